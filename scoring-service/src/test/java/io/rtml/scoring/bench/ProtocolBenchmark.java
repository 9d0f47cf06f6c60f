package io.rtml.scoring.bench;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.rtml.scoring.NodeConfig;
import io.rtml.scoring.ScoringNode;
import io.rtml.scoring.oip.grpc.GRPCInferenceServiceGrpc;
import io.rtml.scoring.oip.grpc.ModelInferRequest;
import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One inference three ways on the same node, measured in the same run: OIP JSON over HTTP, the
 * binary tensor extension over HTTP (inputs and outputs binary), and OIP gRPC with raw contents.
 * For pytorch_cnn_mnist and tiny_bert_pytorch at batch 32 (bench.batch): p50/p99 with one
 * connection (slices of the three interleaved, so a load spike of the shared machine hits all
 * three alike), then requests per second with {@code bench.connections} clients in alternating
 * rounds (a keep-alive connection each, one blocking client thread per connection; for gRPC a
 * channel and a blocking stub each). Client and node share the JVM and the machine's cores, so the client's CPU is
 * in every figure. Prints Markdown.
 *
 * <p>Run: {@code ./mvnw -q -f scoring-service/pom.xml exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.rtml.scoring.bench.ProtocolBenchmark -Dexec.args=/tmp/bench-protocols.md
 * -Drtml.shared-models=$PWD/../shared/models}
 */
public final class ProtocolBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TOKEN = "bench-token";
    private static final List<String> PROTOCOLS = List.of("JSON", "binary", "gRPC");

    /** One model's request in the three forms. */
    record Bodies(byte[] json, byte[] binary, int binaryHeader, ModelInferRequest grpc) {}

    /** What a measuring client does: one request, true when it was answered as expected. */
    private interface Caller extends AutoCloseable {
        boolean call() throws Exception;

        @Override
        void close() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int batch = Integer.getInteger("bench.batch", 32);
        double warmupSeconds = Double.parseDouble(System.getProperty("bench.warmup-seconds", "2"));
        double latencySeconds = Double.parseDouble(System.getProperty("bench.latency-seconds", "3"));
        int loadSeconds = Integer.getInteger("bench.load-seconds", 2);
        int rounds = Integer.getInteger("bench.load-rounds", 3);
        int connections = Integer.getInteger("bench.connections", 16);
        int warmupCalls = Integer.getInteger("bench.warmup-calls", 20_000);
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Protocols, batch %d, %s; latency: one connection, %.0f s each in 10"
                + " interleaved slices after %d calls per protocol at batch 1 and %.0f s at batch %d; throughput: %d"
                + " clients, median of %d rounds of %d s after %d rounds not counted%n%n",
                batch, Instant.now(), latencySeconds, warmupCalls, warmupSeconds, batch, connections, rounds, loadSeconds,
                Integer.getInteger("bench.load-warmup-rounds", 3)));
        md.append("| model | protocol | request bytes | response bytes | p50 µs | p99 µs | p50 vs JSON | req/s | req/s vs JSON |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        try (ScoringNode node = node()) {
            // Callbacks on the client's event loop: the next call starts from there, with no hand-off
            // to a waiting thread, which the raw HTTP client (a blocking socket) does not pay either.
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", node.grpcPort()).usePlaintext()
                    .directExecutor().maxInboundMessageSize(64 << 20).build();
            try {
                for (String name : System.getProperty("bench.models", "pytorch_cnn_mnist,tiny_bert_pytorch").split(",")) {
                    ReferenceModel model = ReferenceModels.named(name.trim());
                    String service = name.trim().replace('_', '-');
                    ScoringBenchmark.deploy(node.port(), service, model.readBytes(), model.sha256(), null);
                    Bodies bodies = bodies(model, service, batch);
                    System.err.printf(Locale.ROOT, "== %s batch %d%n", name, batch);
                    warmUp(node.port(), channel, service, bodies(model, service, 1), warmupCalls);
                    md.append(measure(node.port(), channel, service, bodies, warmupSeconds, latencySeconds,
                            connections, loadSeconds, rounds));
                }
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        System.out.println(md);
        if (args.length > 0) {
            Files.writeString(Path.of(args[0]), md.toString());
        }
    }

    /**
     * A number of calls per protocol, not a time, before anything is measured: the JIT. gRPC's cold
     * path (grpc-java, Netty HTTP/2, protobuf) is far longer than the raw HTTP one; on the loaded
     * build machine its first 1,000 calls took 10.6 ms p50 against 0.47 ms for JSON, and it came
     * under 0.6 ms only after about 2,000 calls and to 0.09 ms after some 40,000 (GrpcProbe,
     * docs/runs/grpc.md). A time-boxed warm-up of 2 s ran about 100 cold calls, so every gRPC figure
     * measured the interpreter. Batch 1 bodies: the same code paths as the measured batch, cheap.
     */
    private static void warmUp(int port, ManagedChannel channel, String service, Bodies one, int calls) throws Exception {
        long t0 = System.nanoTime();
        String path = "/v2/models/" + service + "/infer";
        try (Caller json = http(port, path, one.json(), "");
                Caller binary = http(port, path, one.binary(), "Inference-Header-Content-Length: " + one.binaryHeader() + "\r\n")) {
            for (int i = 0; i < calls; i++) {
                if (!json.call() || !binary.call()) {
                    throw new IllegalStateException("a warm-up request failed");
                }
            }
        }
        GrpcLoop.calls(channel, one.grpc(), calls);
        System.err.printf(Locale.ROOT, "warm-up: %d calls per protocol at batch 1 in %.1f s%n", calls,
                (System.nanoTime() - t0) / 1e9);
    }

    private static String measure(int port, ManagedChannel channel, String service, Bodies bodies, double warmup,
            double seconds, int connections, int loadSeconds, int rounds) throws Exception {
        String path = "/v2/models/" + service + "/infer";
        List<java.util.concurrent.Callable<Caller>> callers = List.of(
                () -> http(port, path, bodies.json(), ""),
                () -> http(port, path, bodies.binary(), "Inference-Header-Content-Length: " + bodies.binaryHeader() + "\r\n"));
        long[] responseBytes = responseSizes(port, path, bodies, channel);
        // latency: one client each, interleaved slices
        List<Caller> single = new ArrayList<>(); // the two HTTP forms; gRPC runs as a GrpcLoop
        for (var c : callers) {
            single.add(c.call());
        }
        Histogram[] h = new Histogram[3];
        for (int p = 0; p < 3; p++) {
            h[p] = new Histogram(60_000_000_000L, 3);
        }
        run(single.get(0), warmup, null);
        run(single.get(1), warmup, null);
        GrpcLoop.run(channel, bodies.grpc(), 1, warmup, null);
        for (int slice = 0; slice < 10; slice++) {
            run(single.get(0), seconds / 10, h[0]);
            run(single.get(1), seconds / 10, h[1]);
            GrpcLoop.run(channel, bodies.grpc(), 1, seconds / 10, h[2]);
        }
        for (Caller c : single) {
            c.close();
        }
        // throughput: rounds alternate the protocols
        double[][] rps = new double[3][rounds];
        // Rounds not counted first: the calls-in-parallel paths (many streams, merged runs, a channel
        // per client) are cold after the one-at-a-time warm-up; gRPC's rate still rose round by round
        // over five counted rounds without them (2,577 → 8,482 req/s, docs/runs/grpc.md).
        int warmRounds = Integer.getInteger("bench.load-warmup-rounds", 3);
        for (int w = 0; w < warmRounds; w++) {
            for (int p = 0; p < 2; p++) {
                throughput(callers.get(p), connections, loadSeconds);
            }
            throughput(() -> grpc(port(channel), bodies.grpc()), connections, loadSeconds);
        }
        for (int r = 0; r < rounds; r++) {
            for (int p = 0; p < 2; p++) {
                rps[p][r] = throughput(callers.get(p), connections, loadSeconds);
            }
            // As the HTTP clients: a connection (channel) and a blocking thread each. One channel with
            // all calls in flight from its event loop had two client threads against HTTP's sixteen,
            // and on a machine loaded by other processes the scheduler shares the cores by thread.
            rps[2][r] = throughput(() -> grpc(port(channel), bodies.grpc()), connections, loadSeconds);
            System.err.printf(Locale.ROOT, "round %d: JSON %.0f, binary %.0f, gRPC %.0f req/s%n", r, rps[0][r], rps[1][r],
                    rps[2][r]);
        }
        StringBuilder md = new StringBuilder();
        double jsonP50 = h[0].getValueAtPercentile(50) / 1e3;
        double jsonRps = Load.median(rps[0]);
        for (int p = 0; p < 3; p++) {
            double p50 = h[p].getValueAtPercentile(50) / 1e3;
            double median = Load.median(rps[p]);
            int requestBytes = p == 0 ? bodies.json().length : p == 1 ? bodies.binary().length
                    : bodies.grpc().getSerializedSize();
            String line = String.format(Locale.ROOT, "| %s | %s | %d | %d | %.0f | %.0f | %.2f | %.0f | %.2f |%n",
                    service, PROTOCOLS.get(p), requestBytes, responseBytes[p], p50,
                    h[p].getValueAtPercentile(99) / 1e3, p50 / jsonP50, median, median / jsonRps);
            System.err.print(line);
            md.append(line);
        }
        return md.toString();
    }

    /** Sizes of one answer in each form (checking each is a success). */
    private static long[] responseSizes(int port, String path, Bodies bodies, ManagedChannel channel) throws Exception {
        long[] sizes = new long[3];
        try (RawHttpClient json = new RawHttpClient(port, "POST", path, bodies.json());
                RawHttpClient binary = new RawHttpClient(port, "POST", path, bodies.binary(),
                        "Inference-Header-Content-Length: " + bodies.binaryHeader() + "\r\n")) {
            expect200(json);
            sizes[0] = json.lastLength();
            expect200(binary);
            sizes[1] = binary.lastLength();
        }
        sizes[2] = GRPCInferenceServiceGrpc.newBlockingStub(channel).modelInfer(bodies.grpc()).getSerializedSize();
        return sizes;
    }

    private static void expect200(RawHttpClient c) throws Exception {
        int status = c.call();
        if (status != 200) {
            throw new IllegalStateException("status " + status + ": " + c.lastBody(500));
        }
    }

    /** Calls for {@code seconds}, recording each call's time when {@code h} is given. */
    private static void run(Caller c, double seconds, Histogram h) throws Exception {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            if (!c.call()) {
                throw new IllegalStateException("a request failed");
            }
            if (h != null) {
                h.recordValue(System.nanoTime() - t0);
            }
        }
    }

    private static double throughput(java.util.concurrent.Callable<Caller> factory, int connections, int seconds)
            throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(connections);
        List<Caller> callers = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            callers.add(factory.call());
        }
        long start = System.nanoTime();
        for (Caller c : callers) {
            Thread t = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        if (c.call()) {
                            done.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    failed.incrementAndGet();
                } finally {
                    finished.countDown();
                }
            }, "protocol-bench-client");
            t.setDaemon(true);
            t.start();
        }
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        finished.await(30, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - start) / 1e9;
        for (Caller c : callers) {
            c.close();
        }
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " requests failed");
        }
        return done.get() / elapsed;
    }

    private static int port(ManagedChannel channel) {
        return Integer.parseInt(channel.authority().substring(channel.authority().lastIndexOf(':') + 1));
    }

    /** A gRPC client as the HTTP ones: its own connection, blocking calls from one thread. */
    private static Caller grpc(int port, ModelInferRequest request) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .directExecutor().maxInboundMessageSize(64 << 20).build();
        GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
        return new Caller() {
            @Override
            public boolean call() {
                stub.modelInfer(request);
                return true;
            }

            @Override
            public void close() throws Exception {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        };
    }

    private static Caller http(int port, String path, byte[] body, String headers) throws Exception {
        RawHttpClient client = new RawHttpClient(port, "POST", path, body, headers);
        return new Caller() {
            @Override
            public boolean call() throws Exception {
                return client.call() == 200;
            }

            @Override
            public void close() throws Exception {
                client.close();
            }
        };
    }

    /**
     * gRPC calls kept in flight by their own completions: {@code inFlight} chains, each starting its
     * next call from the previous one's callback (on the client's event loop) until the time is up.
     * Records each call's time in {@code h} when given; returns calls per second.
     */
    private static final class GrpcLoop {

        static double run(ManagedChannel channel, ModelInferRequest request, int inFlight, double seconds, Histogram h)
                throws InterruptedException {
            GRPCInferenceServiceGrpc.GRPCInferenceServiceStub stub = GRPCInferenceServiceGrpc.newStub(channel);
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            AtomicLong done = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            CountDownLatch chains = new CountDownLatch(inFlight);
            for (int i = 0; i < inFlight; i++) {
                next(stub, request, end, h, done, failed, chains);
            }
            if (!chains.await((long) seconds + 60, TimeUnit.SECONDS) || failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " gRPC calls failed");
            }
            return done.get() / ((System.nanoTime() - start) / 1e9);
        }

        /** {@code n} calls, one in flight, each started from the previous one's callback. */
        static void calls(ManagedChannel channel, ModelInferRequest request, int n) throws Exception {
            GRPCInferenceServiceGrpc.GRPCInferenceServiceStub stub = GRPCInferenceServiceGrpc.newStub(channel);
            java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
            counted(stub, request, n, done);
            done.get(30, TimeUnit.MINUTES);
        }

        private static void counted(GRPCInferenceServiceGrpc.GRPCInferenceServiceStub stub, ModelInferRequest request,
                int left, java.util.concurrent.CompletableFuture<Void> done) {
            if (left == 0) {
                done.complete(null);
                return;
            }
            stub.modelInfer(request, new io.grpc.stub.StreamObserver<>() {
                @Override
                public void onNext(io.rtml.scoring.oip.grpc.ModelInferResponse response) {}

                @Override
                public void onError(Throwable t) {
                    done.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {
                    counted(stub, request, left - 1, done);
                }
            });
        }

        private static void next(GRPCInferenceServiceGrpc.GRPCInferenceServiceStub stub, ModelInferRequest request,
                long end, Histogram h, AtomicLong done, AtomicLong failed, CountDownLatch chains) {
            long t0 = System.nanoTime();
            stub.modelInfer(request, new io.grpc.stub.StreamObserver<>() {
                @Override
                public void onNext(io.rtml.scoring.oip.grpc.ModelInferResponse response) {
                    // the response is complete; onCompleted follows
                }

                @Override
                public void onError(Throwable t) {
                    failed.incrementAndGet();
                    chains.countDown();
                }

                @Override
                public void onCompleted() {
                    long now = System.nanoTime();
                    if (h != null) {
                        synchronized (h) {
                            h.recordValue(now - t0);
                        }
                    }
                    done.incrementAndGet();
                    if (now < end) {
                        next(stub, request, end, h, done, failed, chains);
                    } else {
                        chains.countDown();
                    }
                }
            });
        }
    }

    /** The reference inputs' rows repeated to {@code batch} rows, in the three forms. */
    static Bodies bodies(ReferenceModel model, String service, int batch) {
        ObjectNode json = JSON.createObjectNode();
        ArrayNode jsonInputs = json.putArray("inputs");
        ObjectNode header = JSON.createObjectNode();
        ArrayNode headerInputs = header.putArray("inputs");
        header.putObject("parameters").put("binary_data_output", true);
        ByteArrayOutputStream binary = new ByteArrayOutputStream();
        ModelInferRequest.Builder grpc = ModelInferRequest.newBuilder().setModelName(service);
        for (JsonNode in : model.reference().path("inputs")) {
            String name = in.path("name").asString();
            String datatype = in.path("datatype").asString();
            long[] shape = JSON.convertValue(in.path("shape"), long[].class);
            JsonNode data = in.path("data");
            int width = (int) (data.size() / shape[0]);
            shape[0] = batch;
            int n = batch * width;
            ByteBuffer raw = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
            ObjectNode j = jsonInputs.addObject().put("name", name).put("datatype", datatype);
            ArrayNode jsonShape = j.putArray("shape");
            for (long d : shape) {
                jsonShape.add(d);
            }
            ArrayNode values = j.putArray("data");
            for (int i = 0; i < n; i++) {
                JsonNode v = data.get(i % data.size());
                switch (datatype) {
                    case "FP32" -> {
                        values.add((float) v.asDouble());
                        raw.putFloat((float) v.asDouble());
                    }
                    case "INT64" -> {
                        values.add(v.asLong());
                        raw.putLong(v.asLong());
                    }
                    default -> throw new IllegalArgumentException("the benchmark does not encode " + datatype);
                }
            }
            byte[] bytes = java.util.Arrays.copyOf(raw.array(), raw.position());
            binary.writeBytes(bytes);
            ObjectNode h = headerInputs.addObject().put("name", name).put("datatype", datatype);
            h.set("shape", jsonShape.deepCopy());
            h.putObject("parameters").put("binary_data_size", bytes.length);
            ModelInferRequest.InferInputTensor.Builder t = ModelInferRequest.InferInputTensor.newBuilder()
                    .setName(name).setDatatype(datatype);
            for (long d : shape) {
                t.addShape(d);
            }
            grpc.addInputs(t).addRawInputContents(ByteString.copyFrom(bytes));
        }
        byte[] headerBytes = JSON.writeValueAsBytes(header);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(headerBytes);
        body.writeBytes(binary.toByteArray());
        return new Bodies(JSON.writeValueAsBytes(json), body.toByteArray(), headerBytes.length, grpc.build());
    }

    static ScoringNode node() throws Exception {
        ScoringNode node = ScoringNode.start(NodeConfig.load(Map.of(
                "rtml.scoring.port", "0", "rtml.scoring.bind-address", "127.0.0.1",
                "rtml.scoring.grpc-port", "0",
                "rtml.scoring.admin-token", TOKEN,
                "rtml.scoring.data-dir", Files.createTempDirectory("protocol-bench").toString(),
                "rtml.scoring.io-threads", Integer.toString(Runtime.getRuntime().availableProcessors()))::get));
        while (!node.ready()) {
            Thread.onSpinWait();
        }
        return node;
    }
}
