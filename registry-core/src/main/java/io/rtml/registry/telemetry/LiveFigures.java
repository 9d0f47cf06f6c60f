package io.rtml.registry.telemetry;

import io.rtml.deployment.Histogram;
import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Live figures of a service from the telemetry windows the deployer stores (docs/deployer.md "Live
 * telemetry"): one statement, whatever the number of targets and versions. Rates count each
 * target's covered time, quantiles come from the summed latency histograms (never from averaged
 * quantiles), and a window counts in full when it ends inside the span asked for.
 */
@Service
public class LiveFigures {

    public static final int DEFAULT_MINUTES = 5;
    public static final int MAX_MINUTES = 60;
    /** Points per series at most: the step grows with the span. */
    static final int MAX_POINTS = 120;

    /** The service row always comes back (no window: one row of nulls), so that a missing service is told apart. */
    private static final String WINDOWS = """
            SELECT now() AS now, t.name AS target, w.version, w.role, w.window_start, w.window_end, w.requests,
                   w.client_errors + w.server_errors AS failed, w.latency_bounds, w.latency_counts, w.latency_total
            FROM service s
            LEFT JOIN telemetry_window w ON w.service_id = s.id AND w.window_end > now() - make_interval(mins => ?)
            LEFT JOIN target t ON t.id = w.target_id
            WHERE s.name = ?
            ORDER BY w.window_end""";

    private final JdbcTemplate jdbc;

    LiveFigures(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    record Window(String target, int version, String role, Instant start, Instant end, long requests, long failed,
            Histogram latency) {

        double seconds() {
            return Duration.between(start, end).toMillis() / 1000.0;
        }
    }

    public LiveFiguresResponse of(String service, Integer minutesAsked) {
        int minutes = minutesAsked == null ? DEFAULT_MINUTES : minutesAsked;
        if (minutes < 1 || minutes > MAX_MINUTES) {
            throw new RtmlException(ErrorCode.VALIDATION_FAILED, "minutes must be between 1 and " + MAX_MINUTES
                    + ", not " + minutes);
        }
        List<Instant> now = new ArrayList<>();
        List<Window> windows = new ArrayList<>();
        jdbc.query(WINDOWS, rs -> {
            now.add(rs.getTimestamp("now").toInstant());
            if (rs.getString("target") != null) {
                windows.add(window(rs));
            }
        }, minutes, service);
        if (now.isEmpty()) {
            throw new RtmlException(ErrorCode.SERVICE_NOT_FOUND, "no service named '" + service + "'");
        }
        Instant to = now.get(0);
        Instant from = to.minus(Duration.ofMinutes(minutes));
        long step = step(windows, minutes);
        Map<String, List<Window>> byTarget = group(windows, w -> w.target() + "\u0000" + w.version());
        List<LiveFiguresResponse.Figures> targets = byTarget.values().stream()
                .map(ws -> figures(ws.get(0).target(), ws, sumOfSeconds(ws), step))
                .sorted(Comparator.comparing(LiveFiguresResponse.Figures::target)
                        .thenComparing(LiveFiguresResponse.Figures::version, Comparator.reverseOrder()))
                .toList();
        Map<String, List<Window>> byVersion = group(windows, w -> String.valueOf(w.version()));
        List<LiveFiguresResponse.Figures> versions = byVersion.values().stream()
                .map(ws -> figures(null, ws, fleetSeconds(ws), step))
                .sorted(Comparator.comparing(LiveFiguresResponse.Figures::version, Comparator.reverseOrder()))
                .toList();
        return new LiveFiguresResponse(service, minutes, from, to, step, versions, targets);
    }

    private static Window window(ResultSet rs) throws SQLException {
        return new Window(rs.getString("target"), rs.getInt("version"), rs.getString("role"),
                rs.getTimestamp("window_start").toInstant(), rs.getTimestamp("window_end").toInstant(),
                rs.getLong("requests"), rs.getLong("failed"), new Histogram(doubles(rs.getArray("latency_bounds")),
                        longs(rs.getArray("latency_counts")), rs.getLong("latency_total")));
    }

    private static double[] doubles(Array array) throws SQLException {
        return Arrays.stream((Double[]) array.getArray()).mapToDouble(Double::doubleValue).toArray();
    }

    private static long[] longs(Array array) throws SQLException {
        return Arrays.stream((Long[]) array.getArray()).mapToLong(Long::longValue).toArray();
    }

    private static Map<String, List<Window>> group(List<Window> windows, java.util.function.Function<Window, String> key) {
        Map<String, List<Window>> groups = new LinkedHashMap<>();
        windows.forEach(w -> groups.computeIfAbsent(key.apply(w), k -> new ArrayList<>()).add(w));
        return groups;
    }

    /**
     * Seconds per point: the usual window (the collector's interval), or longer so that a series
     * has at most {@link #MAX_POINTS} points.
     */
    static long step(List<Window> windows, int minutes) {
        double[] lengths = windows.stream().mapToDouble(Window::seconds).sorted().toArray();
        long usual = lengths.length == 0 ? 1 : Math.max(1, Math.round(lengths[lengths.length / 2]));
        return Math.max(usual, (long) Math.ceil(minutes * 60.0 / MAX_POINTS));
    }

    /** One target's windows follow each other: their lengths add up to the time they cover. */
    private static double sumOfSeconds(List<Window> windows) {
        return windows.stream().mapToDouble(Window::seconds).sum();
    }

    /** A version's windows over several targets: the fleet's rate is the sum of the targets' rates. */
    private static double fleetSeconds(List<Window> windows) {
        Map<String, List<Window>> byTarget = group(windows, Window::target);
        double rate = byTarget.values().stream().mapToDouble(ws -> {
            double s = sumOfSeconds(ws);
            return s <= 0 ? 0 : ws.stream().mapToLong(Window::requests).sum() / s;
        }).sum();
        long requests = windows.stream().mapToLong(Window::requests).sum();
        return rate <= 0 ? 0 : requests / rate;
    }

    private static LiveFiguresResponse.Figures figures(String target, List<Window> windows, double seconds, long step) {
        Totals all = Totals.of(windows);
        TreeMap<Long, List<Window>> steps = new TreeMap<>();
        windows.forEach(w -> steps.computeIfAbsent(Math.floorDiv(w.end().getEpochSecond() + step - 1, step), k -> new ArrayList<>())
                .add(w));
        List<LiveFiguresResponse.Point> series = steps.entrySet().stream().map(e -> {
            Totals t = Totals.of(e.getValue());
            return new LiveFiguresResponse.Point(Instant.ofEpochSecond(e.getKey() * step), t.requests,
                    (double) t.requests / step, t.errorRatio(), t.millis(0.5), t.millis(0.99));
        }).toList();
        return new LiveFiguresResponse.Figures(target, windows.get(0).version(), windows.get(windows.size() - 1).role(),
                all.requests, seconds <= 0 ? 0 : all.requests / seconds, all.errorRatio(), all.millis(0.5),
                all.millis(0.99), series);
    }

    /** Requests, failures and the latency histogram summed over windows. */
    private record Totals(long requests, long failed, Histogram latency) {

        static Totals of(List<Window> windows) {
            long requests = 0;
            long failed = 0;
            Histogram latency = Histogram.EMPTY;
            for (Window w : windows) {
                requests += w.requests();
                failed += w.failed();
                try {
                    latency = latency.plus(w.latency());
                } catch (IllegalArgumentException e) {
                    // Another bucket layout (a node of another release): its latencies are left out.
                }
            }
            return new Totals(requests, failed, latency);
        }

        Double errorRatio() {
            return requests == 0 ? null : (double) failed / requests;
        }

        Double millis(double q) {
            Double seconds = latency.quantile(q);
            return seconds == null ? null : seconds * 1000;
        }
    }
}
