package io.rtml.scoring.bench;

import com.sun.net.httpserver.HttpServer;
import io.rtml.scoring.NodeConfig;
import io.rtml.scoring.ScoringNode;
import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import io.rtml.testing.SlowModel;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The scoring benchmark, in one run: for each model and batch size, the ONNX Runtime floor, the
 * bare Netty transport floor, and the node's OIP infer and records predict (p50/p99 with one
 * keep-alive connection; throughput with 8 and 64 connections); then iris at one connection alone
 * vs next to a slow model under load on the same node ({@link SlowNeighbour}; {@code
 * -Dbench.only=slow-neighbour} runs only that). Prints a Markdown report. {@code
 * -Dbench.baseline=telemetry-off} makes the second node one with telemetry off instead of one with
 * batching off, for the telemetry's cost side by side.
 *
 * <p>Run: {@code ./mvnw -q -f scoring-service/pom.xml test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.rtml.scoring.bench.ScoringBenchmark
 * -Dexec.args="target/benchmark-scoring.md"} (LOCPATH is not needed for these models).
 */
public final class ScoringBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TOKEN = "bench-token";

    /** One model under test: its service name, records feature names (null: array form). */
    private record Case(String model, String service, List<String> features) {}

    private static final List<Case> CASES = List.of(
            new Case("sklearn_rf_iris_zipmap", "iris", List.of("sepal_length", "sepal_width", "petal_length", "petal_width")),
            new Case("xgboost_regressor", "xgboost", List.of("f0", "f1", "f2", "f3")),
            new Case("pytorch_cnn_mnist", "mnist", null));

    public static void main(String[] args) throws Exception {
        double latencySeconds = Double.parseDouble(System.getProperty("bench.latency-seconds", "5"));
        int loadSeconds = Integer.parseInt(System.getProperty("bench.load-seconds", "2"));
        int loadRounds = Integer.parseInt(System.getProperty("bench.load-rounds", "5"));
        // C2 needs a few seconds of traffic before the JSON and Netty paths are compiled
        double warmupSeconds = Double.parseDouble(System.getProperty("bench.warmup-seconds", "4"));
        int ioThreads = Integer.getInteger("bench.io-threads", Runtime.getRuntime().availableProcessors());
        // A second node with dynamic batching off, measured in the same alternating rounds: the
        // effect of batching without comparing runs taken at different moments of the shared machine.
        boolean withUnbatched = Boolean.parseBoolean(System.getProperty("bench.unbatched", "true"));
        // bench.baseline=telemetry-off: the second node keeps batching and has telemetry off instead,
        // which gives the telemetry's cost side by side.
        boolean telemetryOff = System.getProperty("bench.baseline", "unbatched").equals("telemetry-off");
        Report report = new Report();
        report.baseline = telemetryOff ? "telemetry-off" : "unbatched";
        String neighbour = "";
        try (ScoringNode node = node(ioThreads, NodeConfig.DEFAULT_MAX_BATCH_ROWS, true);
                ScoringNode unbatched = !withUnbatched ? null
                        : telemetryOff ? node(ioThreads, NodeConfig.DEFAULT_MAX_BATCH_ROWS, false) : node(ioThreads, 1, true);
                BareServer bare = new BareServer(ioThreads)) {
            String only = System.getProperty("bench.only", "");
            for (Case c : CASES) {
                if (!only.isEmpty() && !c.model().equals(only)) {
                    continue;
                }
                ReferenceModel model = ReferenceModels.named(c.model());
                deploy(node.port(), c, model);
                if (unbatched != null) {
                    deploy(unbatched.port(), c, model);
                }
                JsonNode input = model.reference().path("inputs").get(0);
                for (String b : System.getProperty("bench.batches", "1,32").split(",")) {
                    int batch = Integer.parseInt(b.trim());
                    Bodies bodies = Bodies.of(input, batch, c.features());
                    System.err.printf(Locale.ROOT, "== %s batch %d%n", c.model(), batch);
                    Row row = new Row(c.model(), batch);
                    row.floor = OrtFloor.measure(model.file(), input.path("name").asString(), bodies.data(),
                            bodies.shape(), latencySeconds);
                    String oipPath = "/v2/models/" + c.service() + "/infer";
                    String recordsPath = "/v1/services/" + c.service() + "/predict";
                    List<Load.Target> targets = new ArrayList<>(List.of(
                            new Load.Target(bare.port(), oipPath, bodies.oip(), BareServer.IO_THREAD_PREFIX),
                            new Load.Target(node.port(), oipPath, bodies.oip(), node.ioThreadPrefix()),
                            new Load.Target(node.port(), recordsPath, bodies.records(), node.ioThreadPrefix())));
                    if (unbatched != null) {
                        targets.add(new Load.Target(unbatched.port(), oipPath, bodies.oip(), unbatched.ioThreadPrefix()));
                    }
                    List<Load.Latency> lat = Load.interleaved(targets, warmupSeconds, latencySeconds, 10);
                    row.bare = lat.get(0);
                    row.oip = lat.get(1);
                    row.records = lat.get(2);
                    row.oipUnbatched = unbatched != null ? lat.get(3) : null;
                    for (int conns : new int[] {8, 64}) {
                        List<Load.Rounds> rps = Load.interleavedThroughput(targets, conns, loadSeconds, loadRounds);
                        row.bareRps.add(rps.get(0));
                        row.oipRps.add(rps.get(1));
                        row.recordsRps.add(rps.get(2));
                        if (unbatched != null) {
                            row.oipUnbatchedRps.add(rps.get(3));
                        }
                    }
                    report.rows.add(row);
                    System.err.println(row.summary());
                }
            }
            if (only.isEmpty() || only.equals("slow-neighbour")) {
                neighbour = slowNeighbour(node.port(), latencySeconds, warmupSeconds);
            }
        }
        String md = report.markdown(LocalDate.now().toString(), ioThreads) + "\n" + neighbour;
        System.out.println(md);
        if (args.length > 0) {
            Files.writeString(Path.of(args[0]), md);
        }
    }

    /**
     * Iris alone vs next to a slow model under load on the same node ({@link SlowNeighbour}); the
     * slow model is {@link SlowModel} sized by {@code bench.slow-size} and {@code bench.slow-matmuls}.
     */
    private static String slowNeighbour(int port, double latencySeconds, double warmupSeconds) throws Exception {
        int size = Integer.getInteger("bench.slow-size", 512);
        int matmuls = Integer.getInteger("bench.slow-matmuls", 14);
        int connections = Integer.getInteger("bench.slow-connections", 8);
        byte[] slow = SlowModel.bytes(size, matmuls);
        deploy(port, "neighbour-slow", slow, SlowModel.sha256(slow), null);
        ReferenceModel iris = ReferenceModels.named(CASES.get(0).model());
        deploy(port, "neighbour-iris", iris.readBytes(), iris.sha256(), null);
        Bodies irisBody = Bodies.of(iris.reference().path("inputs").get(0), 1, null);
        byte[] slowBody = "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,1],\"data\":[1]}]}"
                .getBytes(StandardCharsets.UTF_8);
        System.err.printf(Locale.ROOT, "== slow neighbour (%d×%d matmuls, %d connections)%n", size, matmuls, connections);
        SlowNeighbour.Result r = SlowNeighbour.measure(port, "/v2/models/neighbour-iris/infer", irisBody.oip(),
                "/v2/models/neighbour-slow/infer", slowBody, connections, warmupSeconds, 2 * latencySeconds, 10);
        String model = String.format(Locale.ROOT, "`SlowModel.bytes(%d, %d)` (%d products of %d×%d float matrices)",
                size, matmuls, matmuls, size, size);
        System.err.println(r.markdown(model));
        return r.markdown(model);
    }

    /** A node on a free port with the benchmark's settings; {@code maxBatchRows} 1 = batching off. */
    private static ScoringNode node(int ioThreads, int maxBatchRows, boolean telemetry) throws IOException {
        ScoringNode node = ScoringNode.start(NodeConfig.load(Map.of(
                "rtml.scoring.port", "0", "rtml.scoring.bind-address", "127.0.0.1",
                "rtml.scoring.admin-token", TOKEN,
                "rtml.scoring.data-dir", Files.createTempDirectory("scoring-bench").toString(),
                "rtml.scoring.io-spin-micros", System.getProperty("bench.io-spin-micros", "0"),
                "rtml.scoring.io-threads", Integer.toString(ioThreads),
                "rtml.scoring.max-batch-rows", Integer.toString(maxBatchRows),
                "rtml.scoring.telemetry", Boolean.toString(telemetry))::get));
        while (!node.ready()) {
            Thread.onSpinWait();
        }
        return node;
    }

    /** Stages and activates a model on the node through the admin API, from a local artifact host. */
    private static void deploy(int port, Case c, ReferenceModel model) throws Exception {
        deploy(port, c.service(), model.readBytes(), model.sha256(), c.features());
    }

    static void deploy(int port, String service, byte[] bytes, String sha256, List<String> features)
            throws Exception {
        HttpServer files = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        files.createContext("/", ex -> {
            ex.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        });
        files.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            Map<String, Object> stage = new java.util.HashMap<>(Map.of("service", service, "version", 1,
                    "artifactUrl", "http://127.0.0.1:" + files.getAddress().getPort() + "/model.onnx",
                    "sha256", sha256, "sizeBytes", bytes.length));
            if (features != null) {
                stage.put("featureNames", features);
            }
            for (String[] call : new String[][] {{"/admin/v1/stage", JSON.writeValueAsString(stage)},
                    {"/admin/v1/activate", JSON.writeValueAsString(Map.of("service", service, "version", 1))}}) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + call[0]))
                        .header("Authorization", "Bearer " + TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString(call[1])).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException(call[0] + " failed: " + r.body());
                }
            }
        } finally {
            files.stop(0);
        }
    }

    /** The request bodies for one model and batch size, built from the reference input's rows. */
    private record Bodies(float[] data, long[] shape, byte[] oip, byte[] records) {

        static Bodies of(JsonNode input, int batch, List<String> features) {
            long[] refShape = JSON.convertValue(input.path("shape"), long[].class);
            int width = (int) (input.path("data").size() / refShape[0]);
            float[] data = new float[batch * width];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) input.path("data").get(i % input.path("data").size()).asDouble();
            }
            long[] shape = refShape.clone();
            shape[0] = batch;
            StringBuilder oip = new StringBuilder("{\"inputs\":[{\"name\":\"").append(input.path("name").asString())
                    .append("\",\"datatype\":\"FP32\",\"shape\":").append(JSON.writeValueAsString(shape)).append(",\"data\":[");
            StringBuilder rec = new StringBuilder("{\"records\":[");
            for (int r = 0; r < batch; r++) {
                rec.append(r == 0 ? "{" : ",{");
                if (features == null) {
                    rec.append('"').append(input.path("name").asString()).append("\":[");
                }
                for (int k = 0; k < width; k++) {
                    float v = data[r * width + k];
                    oip.append(r == 0 && k == 0 ? "" : ",").append(v);
                    if (features == null) {
                        rec.append(k == 0 ? "" : ",").append(v);
                    } else {
                        rec.append(k == 0 ? "\"" : ",\"").append(features.get(k)).append("\":").append(v);
                    }
                }
                rec.append(features == null ? "]}" : "}");
            }
            oip.append("]}]}");
            rec.append("]}");
            return new Bodies(data, shape, oip.toString().getBytes(StandardCharsets.UTF_8),
                    rec.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** All measurements of one model at one batch size. */
    static final class Row {
        final String model;
        final int batch;
        OrtFloor.Floor floor;
        Load.Latency bare;
        Load.Latency oip;
        Load.Latency records;
        /** The same OIP request on a node with batching off; null when not measured. */
        Load.Latency oipUnbatched;
        final List<Load.Rounds> oipUnbatchedRps = new ArrayList<>();
        final List<Load.Rounds> bareRps = new ArrayList<>();
        final List<Load.Rounds> oipRps = new ArrayList<>();
        final List<Load.Rounds> recordsRps = new ArrayList<>();

        Row(String model, int batch) {
            this.model = model;
            this.batch = batch;
        }

        String summary() {
            return String.format(Locale.ROOT, "%s b%d: ort %.1f/%.1f bare %.1f oip %.1f records %.1f | rps64 bare %.0f oip %.0f rec %.0f"
                            + " | cpu64 us/req bare %.1f oip %.1f rec %.1f wrk %.1f",
                    model, batch, floor.runOnly().p50(), floor.runAndRead().p50(), bare.p50(), oip.p50(), records.p50(),
                    bareRps.get(1).medianRps(), oipRps.get(1).medianRps(), recordsRps.get(1).medianRps(),
                    bareRps.get(1).medianServerCpu(), oipRps.get(1).medianServerCpu(),
                    recordsRps.get(1).medianServerCpu(), oipRps.get(1).medianClientCpu())
                    + (oipUnbatchedRps.isEmpty() ? "" : String.format(Locale.ROOT, " | unbatched rps64 %.0f cpu %.1f",
                            oipUnbatchedRps.get(1).medianRps(), oipUnbatchedRps.get(1).medianServerCpu()));
        }
    }
}
