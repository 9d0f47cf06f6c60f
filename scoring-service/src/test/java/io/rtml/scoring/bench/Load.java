package io.rtml.scoring.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/** Latency with one keep-alive connection (HdrHistogram) and throughput with many (wrk, or threads). */
final class Load {

    /** p50/p99 in microseconds and how many requests were measured. */
    record Latency(double p50, double p99, long count) {}

    /**
     * Requests per second, how many answers were not 2xx, and CPU microseconds per request spent by
     * the server's event loops, by the server's whole JVM (GC and JIT included) and by the client
     * (wrk; NaN with the thread fallback, whose client shares the JVM).
     */
    record Throughput(double rps, long errors, String tool, long requests, double serverCpu, double jvmCpu,
            double clientCpu) {

        Throughput withServerCpu(CpuMeter.Sample used) {
            return new Throughput(rps, errors, tool, requests, used.threadsNanos() / 1e3 / requests,
                    used.processNanos() / 1e3 / requests, clientCpu);
        }
    }

    /** Requests per second of one target in each round of an interleaved measurement. */
    record Rounds(List<Throughput> rounds) {

        double medianRps() {
            return median(Throughput::rps);
        }

        long errors() {
            return rounds.stream().mapToLong(Throughput::errors).sum();
        }

        double medianServerCpu() {
            return median(Throughput::serverCpu);
        }

        double medianJvmCpu() {
            return median(Throughput::jvmCpu);
        }

        double medianClientCpu() {
            return median(Throughput::clientCpu);
        }

        private double median(java.util.function.ToDoubleFunction<Throughput> value) {
            return Load.median(rounds.stream().mapToDouble(value).toArray());
        }

        String tool() {
            return rounds.get(0).tool();
        }

        /** This target's rate over another's, per round (measured within seconds of each other). */
        double[] ratiosTo(Rounds other) {
            double[] ratios = new double[rounds.size()];
            for (int i = 0; i < ratios.length; i++) {
                ratios[i] = rounds.get(i).rps() / other.rounds.get(i).rps();
            }
            return ratios;
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * Throughput of several endpoints measured in alternating rounds (A B C A B C …), so that a
     * burst of background load on the shared machine falls on all of them alike; the first
     * round of each is a warm-up and is not counted.
     */
    static List<Rounds> interleavedThroughput(List<Target> targets, int connections, int seconds, int rounds)
            throws Exception {
        List<List<Throughput>> measured = new ArrayList<>();
        targets.forEach(t -> measured.add(new ArrayList<>()));
        for (int round = 0; round <= rounds; round++) {
            for (int i = 0; i < targets.size(); i++) {
                Target t = targets.get(i);
                CpuMeter.Sample before = CpuMeter.sample(t.threads());
                Throughput result = throughput(t.port(), t.path(), t.body(), connections, seconds)
                        .withServerCpu(CpuMeter.sample(t.threads()).minus(before));
                if (round > 0) {
                    measured.get(i).add(result);
                }
            }
        }
        return measured.stream().map(Rounds::new).toList();
    }

    private Load() {}

    /** One endpoint to measure: where, the request body, and the name prefix of the server's event loops. */
    record Target(int port, String path, byte[] body, String threads) {}

    /**
     * Measures several endpoints in alternating short slices (each on its own keep-alive
     * connection), so that background load on a shared machine falls on all of them alike.
     */
    static List<Latency> interleaved(List<Target> targets, double warmupSeconds, double seconds, int slices)
            throws IOException {
        List<RawHttpClient> clients = new ArrayList<>();
        List<Histogram> histograms = new ArrayList<>();
        try {
            for (Target t : targets) {
                RawHttpClient c = new RawHttpClient(t.port(), "POST", t.path(), t.body());
                clients.add(c);
                int status = c.call();
                if (status != 200) {
                    throw new IllegalStateException(t.path() + " answered " + status + ": " + c.lastBody(300));
                }
                long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
                while (System.nanoTime() < warmEnd) {
                    c.call();
                }
                histograms.add(new Histogram(60_000_000_000L, 3));
            }
            long slice = (long) (seconds / slices * 1e9);
            for (int s = 0; s < slices; s++) {
                for (int i = 0; i < clients.size(); i++) {
                    RawHttpClient c = clients.get(i);
                    Histogram h = histograms.get(i);
                    long end = System.nanoTime() + slice;
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        if (c.call() != 200) {
                            throw new IllegalStateException(targets.get(i).path() + " failed during the measurement");
                        }
                        h.recordValue(System.nanoTime() - t0);
                    }
                }
            }
            List<Latency> out = new ArrayList<>();
            for (Histogram h : histograms) {
                out.add(new Latency(h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                        h.getTotalCount()));
            }
            return out;
        } finally {
            for (RawHttpClient c : clients) {
                c.close();
            }
        }
    }

    static Latency latency(int port, String path, byte[] body, double warmupSeconds, double seconds) throws IOException {
        try (RawHttpClient client = new RawHttpClient(port, "POST", path, body)) {
            int status = client.call();
            if (status != 200) {
                throw new IllegalStateException(path + " answered " + status + ": " + client.lastBody(300));
            }
            long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
            while (System.nanoTime() < warmEnd) {
                client.call();
            }
            Histogram h = new Histogram(60_000_000_000L, 3);
            long end = System.nanoTime() + (long) (seconds * 1e9);
            while (System.nanoTime() < end && h.getTotalCount() < 200_000) {
                long t0 = System.nanoTime();
                if (client.call() != 200) {
                    throw new IllegalStateException(path + " failed during the measurement");
                }
                h.recordValue(System.nanoTime() - t0);
            }
            return new Latency(h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getTotalCount());
        }
    }

    static Throughput throughput(int port, String path, byte[] body, int connections, int seconds) throws Exception {
        if (wrkAvailable()) {
            return wrk(port, path, body, connections, seconds);
        }
        return threads(port, path, body, connections, seconds);
    }

    private static boolean wrkAvailable() {
        try {
            return new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start().waitFor() <= 1;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** USER_HZ: Linux reports CPU times in /proc in 1/100 s on every common architecture. */
    private static final double CLOCK_TICKS = 100;
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");
    private static final Pattern CHILD_CPU = Pattern.compile("^child-cpu-ticks (\\d+) (\\d+)$", Pattern.MULTILINE);
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private static Throughput wrk(int port, String path, byte[] body, int connections, int seconds) throws Exception {
        Path bodyFile = Files.createTempFile("wrk-body", ".json");
        Path script = Files.createTempFile("wrk", ".lua");
        try {
            Files.write(bodyFile, body);
            Files.writeString(script, "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n"
                    + "local f = io.open(\"" + bodyFile + "\", \"rb\")\nwrk.body = f:read(\"*a\")\nf:close()\n");
            // Through a shell that prints its reaped children's CPU time (fields 16 and 17 of
            // /proc/self/stat, in clock ticks) after wrk exits: the client's CPU per request.
            Process p = new ProcessBuilder("sh", "-c", "wrk \"$@\"; echo; echo child-cpu-ticks $(cut -d')' -f2 /proc/$$/stat"
                    + " | awk '{print $14, $15}')", "sh", "-t2", "-c" + connections, "-d" + seconds + "s", "-s",
                    script.toString(), "http://127.0.0.1:" + port + path).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            Matcher m = RPS.matcher(out);
            if (!m.find()) {
                throw new IllegalStateException("wrk output without Requests/sec:\n" + out);
            }
            long errors = 0;
            Matcher e = NON_2XX.matcher(out);
            if (e.find()) {
                errors += Long.parseLong(e.group(1));
            }
            Matcher s = SOCKET_ERRORS.matcher(out);
            if (s.find()) {
                for (int i = 1; i <= 4; i++) {
                    errors += Long.parseLong(s.group(i));
                }
            }
            Matcher n = REQUESTS.matcher(out);
            long requests = n.find() ? Long.parseLong(n.group(1)) : 0;
            Matcher c = CHILD_CPU.matcher(out);
            double clientCpu = Double.NaN;
            if (c.find() && requests > 0) {
                double ticks = Long.parseLong(c.group(1)) + Long.parseLong(c.group(2));
                clientCpu = ticks / CLOCK_TICKS * 1e6 / requests;
            }
            return new Throughput(Double.parseDouble(m.group(1)), errors, "wrk -t2", requests, Double.NaN,
                    Double.NaN, clientCpu);
        } finally {
            Files.deleteIfExists(bodyFile);
            Files.deleteIfExists(script);
        }
    }

    /** Fallback without wrk: one thread per connection, each a RawHttpClient in a closed loop. */
    private static Throughput threads(int port, String path, byte[] body, int connections, int seconds) throws Exception {
        AtomicLong done = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicBoolean run = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Thread t = new Thread(() -> {
                try (RawHttpClient c = new RawHttpClient(port, "POST", path, body)) {
                    while (run.get()) {
                        if (c.call() != 200) {
                            errors.incrementAndGet();
                        }
                        done.incrementAndGet();
                    }
                } catch (IOException ex) {
                    errors.incrementAndGet();
                }
            });
            t.start();
            threads.add(t);
        }
        long start = System.nanoTime();
        long before = done.get();
        Thread.sleep(seconds * 1000L);
        long count = done.get() - before;
        double elapsed = (System.nanoTime() - start) / 1e9;
        run.set(false);
        for (Thread t : threads) {
            t.join();
        }
        return new Throughput(count / elapsed, errors.get(), "java threads", count, Double.NaN, Double.NaN, Double.NaN);
    }
}
