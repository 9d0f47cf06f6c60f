package io.rtml.scoring.bench;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.rtml.scoring.ScoringNode;
import io.rtml.scoring.oip.grpc.GRPCInferenceServiceGrpc;
import io.rtml.scoring.oip.grpc.ModelInferRequest;
import io.rtml.scoring.oip.grpc.ServerLiveRequest;
import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Diagnostic for ProtocolBenchmark's gRPC figures: one node, one call in flight, the same iris call
 * over HTTP JSON and over gRPC in several client forms, measured in alternating slices of a fixed
 * number of calls after a long warm-up, in one JVM. Not a benchmark of record; see docs/runs/grpc.md.
 * {@code java ... io.rtml.scoring.bench.GrpcProbe [warmupCalls] [callsPerSlice] [slices]}
 */
public final class GrpcProbe {

    interface Form {
        void call(int n, Histogram h) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int perSlice = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int slices = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        String name = System.getProperty("probe.model", "sklearn_rf_iris_zipmap");
        try (ScoringNode node = ProtocolBenchmark.node()) {
            ReferenceModel model = ReferenceModels.named(name);
            String service = name.replace('_', '-');
            ScoringBenchmark.deploy(node.port(), service, model.readBytes(), model.sha256(), null);
            ProtocolBenchmark.Bodies bodies = ProtocolBenchmark.bodies(model, service, Integer.getInteger("probe.batch", 1));
            ManagedChannel direct = NettyChannelBuilder.forAddress("127.0.0.1", node.grpcPort()).usePlaintext()
                    .directExecutor().build();
            ManagedChannel pooled = NettyChannelBuilder.forAddress("127.0.0.1", node.grpcPort()).usePlaintext().build();
            RawHttpClient json = new RawHttpClient(node.port(), "POST", "/v2/models/" + service + "/infer", bodies.json());
            Map<String, Form> forms = new LinkedHashMap<>();
            forms.put("HTTP JSON (blocking socket)", (n, h) -> {
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    if (json.call() != 200) {
                        throw new IllegalStateException("HTTP " + json.lastBody(300));
                    }
                    record(h, t0);
                }
            });
            forms.put("gRPC ServerLive, chained on client loop (direct)", (n, h) -> chained(direct, null, n, h));
            forms.put("gRPC ModelInfer, chained on client loop (direct)", (n, h) -> chained(direct, bodies.grpc(), n, h));
            forms.put("gRPC ModelInfer, blocking stub (direct channel)", (n, h) -> {
                var stub = GRPCInferenceServiceGrpc.newBlockingStub(direct);
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    stub.modelInfer(bodies.grpc());
                    record(h, t0);
                }
            });
            forms.put("gRPC ModelInfer, chained (default executor)", (n, h) -> chained(pooled, bodies.grpc(), n, h));
            if (Boolean.getBoolean("probe.curve")) {
                // a fresh JVM: how each form's latency falls over its first calls (JIT), 1,000 calls a slice
                for (String form : List.of("HTTP JSON (blocking socket)", "gRPC ModelInfer, chained on client loop (direct)")) {
                    System.out.println("| " + form + ": calls | p50 µs | calls/s |");
                    for (int done = 0; done < warmup; done += 1000) {
                        Histogram h = new Histogram(60_000_000_000L, 3);
                        long t0 = System.nanoTime();
                        forms.get(form).call(1000, h);
                        System.out.printf(Locale.ROOT, "| %d–%d | %.0f | %.0f |%n", done, done + 1000,
                                h.getValueAtPercentile(50) / 1e3, 1000 / ((System.nanoTime() - t0) / 1e9));
                    }
                }
            }
            if (Boolean.getBoolean("probe.shape")) {
                // the benchmark's throughput shapes, alternating, after the warm-up: which one collapses?
                chained(direct, bodies.grpc(), warmup, null);
                String path = "/v2/models/" + service + "/infer";
                System.out.println("| round | shape | calls/s |");
                for (int round = 0; round < 3; round++) {
                    System.out.printf(Locale.ROOT, "| %d | HTTP JSON, 16 threads and connections | %.0f |%n", round,
                            threads(16, 2, () -> {
                                RawHttpClient c = new RawHttpClient(node.port(), "POST", path, bodies.json());
                                return new Shot(() -> c.call() == 200, c::close);
                            }));
                    System.out.printf(Locale.ROOT, "| %d | gRPC, 16 threads and channels, blocking | %.0f |%n", round,
                            threads(16, 2, () -> {
                                ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", node.grpcPort())
                                        .usePlaintext().directExecutor().build();
                                var stub = GRPCInferenceServiceGrpc.newBlockingStub(ch);
                                return new Shot(() -> stub.modelInfer(bodies.grpc()) != null, ch::shutdownNow);
                            }));
                    ManagedChannel shared = NettyChannelBuilder.forAddress("127.0.0.1", node.grpcPort())
                            .usePlaintext().directExecutor().build();
                    System.out.printf(Locale.ROOT, "| %d | gRPC, 16 threads on one channel, blocking | %.0f |%n", round,
                            threads(16, 2, () -> {
                                var stub = GRPCInferenceServiceGrpc.newBlockingStub(shared);
                                return new Shot(() -> stub.modelInfer(bodies.grpc()) != null, () -> {});
                            }));
                    shared.shutdownNow();
                    long t0 = System.nanoTime();
                    CompletableFuture<?>[] all = new CompletableFuture<?>[16];
                    for (int i = 0; i < 16; i++) {
                        CompletableFuture<Void> done = new CompletableFuture<>();
                        next(GRPCInferenceServiceGrpc.newStub(direct), bodies.grpc(), 500, null, done);
                        all[i] = done;
                    }
                    CompletableFuture.allOf(all).get(300, TimeUnit.SECONDS);
                    System.out.printf(Locale.ROOT, "| %d | gRPC, 16 chains on one channel's loop | %.0f |%n", round,
                            16 * 500 / ((System.nanoTime() - t0) / 1e9));
                }
                return;
            }
            if (System.getProperty("probe.inflight") != null) {
                ManagedChannel nodelay = NettyChannelBuilder.forAddress("127.0.0.1", node.grpcPort()).usePlaintext()
                        .directExecutor().withOption(io.grpc.netty.shaded.io.netty.channel.ChannelOption.TCP_NODELAY, true)
                        .build();
                ManagedChannel noAuto = NettyChannelBuilder.forAddress("127.0.0.1", node.grpcPort()).usePlaintext()
                        .directExecutor().flowControlWindow(1 << 20).build();
                chained(direct, bodies.grpc(), warmup, null);
                System.out.println("| in flight | channel | calls/s |");
                for (int round = 0; round < 2; round++) {
                    for (String k : System.getProperty("probe.inflight").split(",")) {
                        int inFlight = Integer.parseInt(k);
                        for (var c : Map.of("default", direct, "TCP_NODELAY set", nodelay, "no BDP auto-tuning", noAuto).entrySet()) {
                            long t0 = System.nanoTime();
                            CompletableFuture<?>[] all = new CompletableFuture<?>[inFlight];
                            for (int i = 0; i < inFlight; i++) {
                                CompletableFuture<Void> done = new CompletableFuture<>();
                                next(GRPCInferenceServiceGrpc.newStub(c.getValue()), bodies.grpc(), perSlice, null, done);
                                all[i] = done;
                            }
                            CompletableFuture.allOf(all).get(300, TimeUnit.SECONDS);
                            System.out.printf(Locale.ROOT, "| %d | %s | %.0f |%n", inFlight, c.getKey(),
                                    inFlight * perSlice / ((System.nanoTime() - t0) / 1e9));
                        }
                    }
                }
                return;
            }
            long t = System.nanoTime();
            for (Form f : forms.values()) {
                f.call(warmup, null);
            }
            System.out.printf(Locale.ROOT, "warm-up: %d calls per form in %.1f s%n", warmup, (System.nanoTime() - t) / 1e9);
            Map<String, Histogram> hs = new LinkedHashMap<>();
            forms.keySet().forEach(k -> hs.put(k, new Histogram(60_000_000_000L, 3)));
            double load0 = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            for (int s = 0; s < slices; s++) {
                for (var e : forms.entrySet()) {
                    e.getValue().call(perSlice, hs.get(e.getKey()));
                }
            }
            double load1 = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            System.out.printf(Locale.ROOT, "%s, load average %.1f -> %.1f, %d slices x %d calls, model %s%n",
                    java.time.Instant.now(), load0, load1, slices, perSlice, name);
            System.out.println("| form | p50 µs | p90 µs | p99 µs | mean µs |");
            System.out.println("|---|---:|---:|---:|---:|");
            for (var e : hs.entrySet()) {
                Histogram h = e.getValue();
                System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.0f |%n", e.getKey(),
                        h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3,
                        h.getValueAtPercentile(99) / 1e3, h.getMean() / 1e3);
            }
            json.close();
            direct.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            pooled.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    interface Call {
        boolean call() throws Exception;
    }

    interface Close {
        void close() throws Exception;
    }

    record Shot(Call call, Close close) {}

    interface Maker {
        Shot make() throws Exception;
    }

    /** {@code n} threads calling for {@code seconds}, each with its own client; calls per second. */
    private static double threads(int n, int seconds, Maker maker) throws Exception {
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(n);
        java.util.List<Shot> shots = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            shots.add(maker.make());
        }
        long t0 = System.nanoTime();
        for (Shot s : shots) {
            Thread t = new Thread(() -> {
                try {
                    while (!stop.get() && s.call().call()) {
                        done.incrementAndGet();
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                } finally {
                    finished.countDown();
                }
            });
            t.setDaemon(true);
            t.start();
        }
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        finished.await(30, TimeUnit.SECONDS);
        double rate = done.get() / ((System.nanoTime() - t0) / 1e9);
        for (Shot s : shots) {
            s.close().close();
        }
        return rate;
    }

    private static void record(Histogram h, long t0) {
        if (h != null) {
            h.recordValue(System.nanoTime() - t0);
        }
    }

    /** {@code n} calls, each started from the previous one's completion callback. */
    private static void chained(ManagedChannel channel, ModelInferRequest infer, int n, Histogram h) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        next(GRPCInferenceServiceGrpc.newStub(channel), infer, n, h, done);
        done.get(120, TimeUnit.SECONDS);
    }

    private static void next(GRPCInferenceServiceGrpc.GRPCInferenceServiceStub stub, ModelInferRequest infer, int left,
            Histogram h, CompletableFuture<Void> done) {
        if (left == 0) {
            done.complete(null);
            return;
        }
        long t0 = System.nanoTime();
        StreamObserver<Object> observer = new StreamObserver<>() {
            @Override
            public void onNext(Object value) {}

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                record(h, t0);
                next(stub, infer, left - 1, h, done);
            }
        };
        if (infer == null) {
            stub.serverLive(ServerLiveRequest.getDefaultInstance(), cast(observer));
        } else {
            stub.modelInfer(infer, cast(observer));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> StreamObserver<T> cast(StreamObserver<Object> o) {
        return (StreamObserver<T>) o;
    }

    private GrpcProbe() {}
}
