package io.rtml.deployer.telemetry;

import io.rtml.deployer.node.NodeTarget;
import io.rtml.deployer.rollout.VersionFigures;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The telemetry tables (V016): each target's last cumulative snapshot, and the windows between
 * consecutive snapshots. A round is one transaction under an advisory lock, so that with several
 * deployer replicas each window is computed from the snapshot the last writer stored and no
 * requests are counted twice; a replica that finds the lock taken skips its round (the next window
 * is simply longer).
 */
@Component
class TelemetryStore {

    /** pg advisory lock key of the telemetry round ("rtmltel"). */
    private static final long LOCK = 0x72746d6c74656cL;

    private static final String INSERT_WINDOW = """
            INSERT INTO telemetry_window (service_id, target_id, version, role, window_start, window_end, requests,
                                          client_errors, server_errors, latency_bounds, latency_counts, latency_total)
            SELECT s.id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
            FROM service s WHERE s.name = ?
            ON CONFLICT DO NOTHING""";

    private static final String SAVE_SNAPSHOT = """
            INSERT INTO telemetry_snapshot (target_id, taken_at, snapshot) VALUES (?, ?, ?::jsonb)
            ON CONFLICT (target_id) DO UPDATE SET taken_at = EXCLUDED.taken_at, snapshot = EXCLUDED.snapshot""";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    TelemetryStore(JdbcTemplate jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    /** What one target answered, and when the answer came (the deployer's clock, not the node's). */
    record Read(NodeTarget target, JsonNode snapshot, Instant at) {}

    List<NodeTarget> targets() {
        return jdbc.query("SELECT " + NodeTarget.COLUMNS + " FROM target ORDER BY id",
                (rs, n) -> NodeTarget.from(rs));
    }

    /**
     * Stores the windows since each target's previous snapshot and the new snapshots, then prunes
     * windows older than {@code retention}; returns the windows written, or -1 when another replica
     * held the round's lock. A window longer than {@code longest} is not stored (nobody read the
     * target for that long), nor one whose read is older than the stored snapshot.
     */
    int record(List<Read> reads, Duration longest, Duration retention) {
        Integer written = tx.execute(status -> {
            if (!Boolean.TRUE.equals(jdbc.queryForObject("SELECT pg_try_advisory_xact_lock(?)", Boolean.class, LOCK))) {
                return -1;
            }
            Map<Long, Read> previous = previous(reads);
            List<Object[]> rows = new ArrayList<>();
            List<Read> newer = new ArrayList<>();
            for (Read read : reads) {
                Read before = previous.get(read.target().id());
                if (before != null && !read.at().isAfter(before.at())) {
                    continue;
                }
                newer.add(read);
                if (before == null || Duration.between(before.at(), read.at()).compareTo(longest) > 0) {
                    continue;
                }
                for (TelemetryWindows.Window w : TelemetryWindows.between(before.snapshot(), before.at(),
                        read.snapshot(), read.at())) {
                    rows.add(row(read.target().id(), w));
                }
            }
            int inserted = rows.isEmpty() ? 0
                    : java.util.Arrays.stream(jdbc.batchUpdate(INSERT_WINDOW, rows)).sum();
            jdbc.batchUpdate(SAVE_SNAPSHOT, newer.stream().map(r -> new Object[] {r.target().id(),
                    Timestamp.from(r.at()), JSON.writeValueAsString(r.snapshot())}).toList());
            jdbc.update("DELETE FROM telemetry_window WHERE window_end < now() - make_interval(secs => ?)",
                    retention.toMillis() / 1000.0);
            return inserted;
        });
        return written == null ? 0 : written;
    }

    private Map<Long, Read> previous(List<Read> reads) {
        Map<Long, NodeTarget> byId = new HashMap<>();
        reads.forEach(r -> byId.put(r.target().id(), r.target()));
        Map<Long, Read> previous = new HashMap<>();
        jdbc.query("SELECT target_id, taken_at, snapshot::text AS snapshot FROM telemetry_snapshot"
                + " WHERE target_id = ANY(?)", rs -> {
                    long id = rs.getLong("target_id");
                    previous.put(id, new Read(byId.get(id), JSON.readTree(rs.getString("snapshot")),
                            rs.getTimestamp("taken_at").toInstant()));
                }, (Object) byId.keySet().toArray(Long[]::new));
        return previous;
    }

    private static Object[] row(long targetId, TelemetryWindows.Window w) {
        VersionFigures f = w.figures();
        return new Object[] {targetId, w.version(), w.role(), Timestamp.from(w.from()), Timestamp.from(w.to()),
                f.requests(), f.clientErrors(), f.serverErrors(), f.latencySeconds().bounds(),
                f.latencySeconds().counts(), f.latencySeconds().count(), w.service()};
    }
}
