package io.rtml.scoring.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The slow-neighbour scenario: iris p50/p99 on one keep-alive connection, alone and while a slow
 * model (some 50 ms a run) on the same node is kept busy by its own connections, in alternating
 * slices of one run so that the shared machine's background load falls on both alike. The slow
 * load pauses (and drains) for the "alone" slices and resumes for the "busy" ones.
 */
final class SlowNeighbour {

    /** The measurement: iris alone and while busy (µs), and the slow model's work in the busy slices. */
    record Result(Load.Latency alone, Load.Latency busy, long slowAnswered, long slowRefused, double busySeconds,
            int slowConnections, String loadBefore, String loadAfter) {

        String markdown(String slowModel) {
            return String.format(Locale.ROOT, """
                    ### Slow neighbour: iris at 1 connection while a slow model on the same node is busy

                    Slow model: %s, kept busy by %d closed-loop connections during the "busy" slices \
                    (%.1f answered/s, %d refused with 503 in %.1f s). Load average before / after: %s / %s.

                    | iris, 1 connection | p50 (µs) | p99 (µs) | requests |
                    |---|---:|---:|---:|
                    | alone | %.1f | %.1f | %d |
                    | slow model busy | %.1f | %.1f | %d |
                    | busy / alone | %.2f | %.2f | |
                    """, slowModel, slowConnections, slowAnswered / busySeconds, slowRefused, busySeconds,
                    loadBefore, loadAfter, alone.p50(), alone.p99(), alone.count(), busy.p50(), busy.p99(),
                    busy.count(), busy.p50() / alone.p50(), busy.p99() / alone.p99());
        }
    }

    private SlowNeighbour() {}

    static Result measure(int port, String irisPath, byte[] irisBody, String slowPath, byte[] slowBody,
            int slowConnections, double warmupSeconds, double seconds, int slices) throws Exception {
        AtomicBoolean busy = new AtomicBoolean(true);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicLong answered = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        List<Thread> load = new ArrayList<>();
        for (int i = 0; i < slowConnections; i++) {
            Thread t = new Thread(() -> {
                try (RawHttpClient c = new RawHttpClient(port, "POST", slowPath, slowBody)) {
                    while (!stop.get()) {
                        if (!busy.get()) {
                            LockSupport.parkNanos(1_000_000);
                            continue;
                        }
                        inFlight.incrementAndGet();
                        int status = c.call();
                        inFlight.decrementAndGet();
                        (status == 200 ? answered : refused).incrementAndGet();
                        if (status == 503) {
                            LockSupport.parkNanos(1_000_000); // as a client honouring Retry-After would, briefly
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, "slow-neighbour-" + i);
            t.setDaemon(true);
            t.start();
            load.add(t);
        }
        String loadBefore = loadAverage();
        Histogram alone = new Histogram(60_000_000_000L, 3);
        Histogram whileBusy = new Histogram(60_000_000_000L, 3);
        long busyNanos = 0;
        long answeredInBusy = 0;
        long refusedInBusy = 0;
        try (RawHttpClient iris = new RawHttpClient(port, "POST", irisPath, irisBody)) {
            long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
            while (System.nanoTime() < warmEnd) {
                check(iris.call(), irisPath);
            }
            long slice = (long) (seconds / slices * 1e9);
            for (int s = 0; s < slices; s++) {
                busy.set(false);
                awaitInFlight(inFlight, 0); // the slow requests already sent finish first
                LockSupport.parkNanos(2_000_000);
                awaitInFlight(inFlight, 0); // one that slipped past the switch, if any
                record(iris, irisPath, alone, slice);
                long a = answered.get();
                long r = refused.get();
                busy.set(true);
                awaitInFlight(inFlight, slowConnections);
                long start = System.nanoTime();
                record(iris, irisPath, whileBusy, slice);
                busyNanos += System.nanoTime() - start;
                answeredInBusy += answered.get() - a;
                refusedInBusy += refused.get() - r;
            }
        } finally {
            stop.set(true);
            busy.set(true);
            for (Thread t : load) {
                t.join(10_000);
            }
        }
        return new Result(latency(alone), latency(whileBusy), answeredInBusy, refusedInBusy, busyNanos / 1e9,
                slowConnections, loadBefore, loadAverage());
    }

    private static void awaitInFlight(AtomicInteger inFlight, int target) {
        long giveUp = System.nanoTime() + 10_000_000_000L;
        while (inFlight.get() != target && System.nanoTime() < giveUp) {
            LockSupport.parkNanos(100_000);
        }
    }

    private static void record(RawHttpClient client, String path, Histogram h, long nanos) throws IOException {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            check(client.call(), path);
            h.recordValue(System.nanoTime() - t0);
        }
    }

    private static void check(int status, String path) {
        if (status != 200) {
            throw new IllegalStateException(path + " answered " + status + " during the measurement");
        }
    }

    private static Load.Latency latency(Histogram h) {
        return new Load.Latency(h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getTotalCount());
    }

    /** The 1, 5 and 15 minute load averages, as /proc/loadavg gives them. */
    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
