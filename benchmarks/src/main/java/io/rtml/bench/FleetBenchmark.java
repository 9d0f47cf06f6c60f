package io.rtml.bench;

import io.rtml.scoring.NodeConfig;
import io.rtml.scoring.ScoringNode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ToLongFunction;
import tools.jackson.databind.JsonNode;

/**
 * Deploy and rollback latency to a hub and 2, 20, 100 and 300 edges, all in one run: real
 * PostgreSQL, real s3proxy, the registry and one deployer as child JVMs from their runnable jars,
 * and the hub and edges as real scoring nodes in this JVM (one event-loop thread, one admin thread
 * and one model thread each), each registered through the registry's API with its own node
 * credential. The model is iris (sklearn_rf_iris_zipmap, 2 KB) from ../shared/models.
 *
 * <p>Each measured deploy stages a version the nodes never loaded (the file is in their cache: the
 * same bytes, so the load of an ONNX Runtime session is the work); each rollback returns to the
 * version before (loaded: activation only). Latency is the deployment row's own clock, from
 * {@code requested_at} (the registry's POST) to {@code finished_at} (the deployer's final
 * transaction, after every node answered); the steps are claim (→ {@code started_at}), stage (→
 * last {@code staged_at}) and activate (→ {@code finished_at}). After each, every node is asked
 * which version it serves.
 *
 * <p>Settings: {@code rtml.bench.fleet.edges} (default 2,20,100,300), {@code rtml.bench.fleet.runs}
 * (repetitions per size, default 5), {@code rtml.bench.fleet.deployer-args} (extra deployer arguments).
 *
 * <pre>java -Drtml.bench.fleet.edges=2,20,100,300 -Drtml.bench.fleet.runs=5 \
 *     -cp benchmarks/target/benchmarks.jar io.rtml.bench.FleetBenchmark</pre>
 */
public final class FleetBenchmark {

    private static final int[] EDGES = Arrays.stream(System.getProperty("rtml.bench.fleet.edges", "2,20,100,300")
            .split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    private static final int RUNS = Integer.getInteger("rtml.bench.fleet.runs", 5);
    private static final String MODEL = "iris";
    /** Extra deployer arguments, space-separated (e.g. a longer call-timeout on a machine too loaded for the default). */
    private static final String DEPLOYER_ARGS = System.getProperty("rtml.bench.fleet.deployer-args", "");

    private FleetBenchmark() {}

    public static void main(String[] args) {
        System.exit(Bench.run("FleetBenchmark", () -> {
            run();
            return null;
        }));
    }

    /** One measured deployment, in ms of the database's clock. */
    private record Timing(long total, long claim, long stage, long activate) {}

    private record Node(String name, String baseUrl, String credential, ScoringNode node) {}

    private static void run() throws Exception {
        Path repo = BenchStack.repo();
        DeployerProcess.execJar(repo);
        Path models = Path.of(System.getProperty("rtml.shared-models", repo.resolve("../shared/models").toString()));
        byte[] iris = Files.readAllBytes(models.resolve("sklearn_rf_iris_zipmap/model.onnx"));
        int maxEdges = Arrays.stream(EDGES).max().orElseThrow();
        System.out.println("FleetBenchmark " + LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS) + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs, Java " + System.getProperty("java.version")
                + ", load average " + Bench.loadAverage() + ", edges " + Arrays.toString(EDGES) + ", runs " + RUNS);
        byte[] random = new byte[24];
        ThreadLocalRandom.current().nextBytes(random);
        String credentialKey = "fleet-bench-" + HexFormat.of().formatHex(random);
        boolean failed = false;
        try (Cleanup cleanup = new Cleanup()) {
            Path work = BenchStack.workDir("rtml-bench-fleet-", cleanup);
            BenchStack stack = BenchStack.start(repo, work, List.of("-Xmx512m"), List.of(
                    "--rtml.node-credentials.key=" + credentialKey,
                    "--rtml.targets.allowed-schemes=http",
                    "--rtml.targets.allowed-cidrs=127.0.0.0/8"), cleanup);
            List<String> deployerArgs = new ArrayList<>(List.of(
                    "--spring.datasource.url=" + stack.db.jdbcUrl(),
                    "--spring.datasource.username=" + stack.db.user(),
                    "--spring.datasource.password=" + stack.db.password(),
                    "--rtml.s3.endpoint=" + stack.s3.endpoint(),
                    "--rtml.s3.bucket=" + BenchStack.BUCKET,
                    "--rtml.s3.access-key=" + stack.s3.accessKey(),
                    "--rtml.s3.secret-key=" + stack.s3.secretKey(),
                    "--rtml.node-credentials.key=" + credentialKey,
                    "--logging.level.io.rtml=WARN"));
            if (!DEPLOYER_ARGS.isBlank()) {
                deployerArgs.addAll(List.of(DEPLOYER_ARGS.trim().split("\\s+")));
            }
            DeployerProcess deployer = DeployerProcess.start(repo, work, List.of("-Xmx512m"), deployerArgs, cleanup);
            RegistryClient api = stack.api;
            api.createModel(MODEL);
            for (int v = 1; v <= RUNS + 1; v++) {
                RegistryClient.expect(api.upload("/api/v1/models/" + MODEL + "/versions", iris), 201,
                        "upload of iris version " + v);
            }
            long started = System.nanoTime();
            List<Node> nodes = new ArrayList<>();
            // Registered and started a few at a time: one by one, 300 nodes would take minutes of the run.
            ExecutorService starters = Executors.newFixedThreadPool(8);
            try {
                List<Future<Node>> starting = new ArrayList<>();
                for (int i = 0; i <= maxEdges; i++) {
                    String name = i == 0 ? "hub" : "edge-" + i;
                    String kind = i == 0 ? "HUB" : "EDGE";
                    starting.add(starters.submit(() -> startNode(api, work, name, kind, cleanup)));
                }
                for (Future<Node> node : starting) {
                    nodes.add(node.get());
                }
            } finally {
                starters.shutdown();
            }
            for (Node node : nodes) {
                while (!node.node().ready()) {
                    Thread.sleep(5);
                }
            }
            System.out.printf("%d nodes registered and ready in %.1f s; threads in this JVM: %d%n", nodes.size(),
                    Bench.seconds(System.nanoTime() - started), Thread.activeCount());
            deployer.awaitStarted(180);
            List<String> rows = new ArrayList<>();
            List<String> steps = new ArrayList<>();
            try (Connection db = stack.db.connect()) {
                for (int edges : EDGES) {
                    try {
                        measure(api, db, nodes.subList(0, edges + 1), edges, rows, steps);
                    } catch (BenchmarkFailure e) {
                        // The other sizes still say something; the run still exits 1 at the end.
                        failed = true;
                        String why = e.getMessage().lines().findFirst().orElse("");
                        rows.add("| hub + " + edges + " edges | failed: " + why.substring(0, Math.min(300, why.length()))
                                + " | | | |");
                    }
                }
            }
            System.out.println();
            System.out.println("== FleetBenchmark result (" + RUNS + " runs each; ms, deployment row's clock,"
                    + " requested_at to finished_at; load average now " + Bench.loadAverage() + ")");
            System.out.println("| setup | deploy median | deploy runs | rollback median | rollback runs |");
            System.out.println("|---|---|---|---|---|");
            rows.forEach(System.out::println);
            System.out.println();
            System.out.println("Medians per step (ms): claim = requested to started; stage = started to the last"
                    + " target staged; activate = staged (a rollback: started) to finished");
            System.out.println("| setup | kind | claim | stage | activate | total |");
            System.out.println("|---|---|---|---|---|---|");
            steps.forEach(System.out::println);
        }
        if (failed) {
            throw new BenchmarkFailure("a fleet size failed (its row says why)");
        }
    }

    private static Node startNode(RegistryClient api, Path work, String name, String kind, Cleanup cleanup)
            throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String baseUrl = "http://127.0.0.1:" + port;
        JsonNode target = RegistryClient.expect(api.postJson("/api/v1/targets", "{\"name\":\"" + name
                + "\",\"kind\":\"" + kind + "\",\"region\":\"bench\",\"baseUrl\":\"" + baseUrl + "\"}"), 201,
                "POST /api/v1/targets " + name);
        String credential = target.path("nodeCredential").asString();
        Path dataDir = Files.createDirectories(work.resolve("nodes").resolve(name));
        Map<String, String> settings = Map.ofEntries(
                Map.entry("rtml.scoring.port", Integer.toString(port)),
                Map.entry("rtml.scoring.bind-address", "127.0.0.1"),
                Map.entry("rtml.scoring.admin-token", credential),
                Map.entry("rtml.scoring.data-dir", dataDir.toString()),
                Map.entry("rtml.scoring.node.name", name),
                Map.entry("rtml.scoring.node.kind", kind),
                Map.entry("rtml.scoring.node.region", "bench"),
                Map.entry("rtml.scoring.io-threads", "1"),
                Map.entry("rtml.scoring.admin-threads", "1"),
                Map.entry("rtml.scoring.model-threads", "1"),
                Map.entry("rtml.scoring.intra-op-threads", "1"));
        ScoringNode node = ScoringNode.start(NodeConfig.load(settings::get));
        cleanup.add("stop node " + name, node::close);
        return new Node(name, baseUrl, credential, node);
    }

    private static void measure(RegistryClient api, Connection db, List<Node> nodes, int edges, List<String> rows,
            List<String> steps) throws Exception {
        String service = "fleet-" + edges;
        RegistryClient.expect(api.postJson("/api/v1/services", "{\"name\":\"" + service + "\",\"model\":\"" + MODEL
                + "\"}"), 201, "POST /api/v1/services " + service);
        String targets = nodes.stream().map(n -> "\"" + n.name() + "\"").reduce((a, b) -> a + "," + b).orElseThrow();
        deploy(api, db, nodes, service, 1, targets); // first load everywhere
        Timing[] deploys = new Timing[RUNS];
        Timing[] rollbacks = new Timing[RUNS];
        for (int run = 0; run < RUNS; run++) {
            int next = run + 2;
            deploys[run] = deploy(api, db, nodes, service, next, targets);
            rollbacks[run] = await(api.postJson("/api/v1/services/" + service + "/rollback", "{}"), db, nodes,
                    service, next - 1);
            deploy(api, db, nodes, service, next, targets); // the new version active again before the next run
        }
        String setup = "| hub + " + edges + " edges | ";
        String row = setup + median(deploys, Timing::total) + " | " + runs(deploys) + " | "
                + median(rollbacks, Timing::total) + " | " + runs(rollbacks) + " |";
        System.out.println(row);
        rows.add(row);
        steps.add(setup + "deploy | " + steps(deploys) + " |");
        steps.add(setup + "rollback | " + steps(rollbacks) + " |");
    }

    private static Timing deploy(RegistryClient api, Connection db, List<Node> nodes, String service, int version,
            String targets) throws Exception {
        return await(api.postJson("/api/v1/services/" + service + "/deployments", "{\"version\":" + version
                + ",\"targets\":[" + targets + "]}"), db, nodes, service, version);
    }

    /** Waits for the deployment the registry accepted to end, checks every node serves {@code version}, and returns its steps. */
    private static Timing await(HttpResponse<byte[]> accepted, Connection db, List<Node> nodes, String service,
            int version) throws Exception {
        long id = RegistryClient.expect(accepted, 202, "deployment of " + service + " v" + version).path("id").asLong();
        long deadline = System.nanoTime() + 120_000_000_000L;
        try (PreparedStatement query = db.prepareStatement("""
                SELECT d.status, d.error,
                       extract(epoch FROM d.finished_at - d.requested_at) * 1000 AS total,
                       extract(epoch FROM d.started_at - d.requested_at) * 1000 AS claim,
                       extract(epoch FROM (SELECT max(t.staged_at) FROM deployment_target t WHERE t.deployment_id = d.id)
                               - d.started_at) * 1000 AS stage,
                       extract(epoch FROM d.finished_at - coalesce((SELECT max(t.staged_at) FROM deployment_target t
                               WHERE t.deployment_id = d.id), d.started_at)) * 1000 AS activate
                FROM deployment d WHERE d.id = ?""")) {
            query.setLong(1, id);
            while (true) {
                try (ResultSet rs = query.executeQuery()) {
                    rs.next();
                    String status = rs.getString("status");
                    if (status.equals("SUCCEEDED")) {
                        Timing timing = new Timing(millis(rs, "total"), millis(rs, "claim"), millis(rs, "stage"),
                                millis(rs, "activate"));
                        checkServed(nodes, service, version);
                        return timing;
                    }
                    if (List.of("FAILED", "ROLLED_BACK").contains(status)) {
                        throw new BenchmarkFailure("deployment " + id + " ended " + status + ": " + rs.getString("error"));
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new BenchmarkFailure("deployment " + id + " not finished after 120 s");
                }
                Thread.sleep(2);
            }
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** Every node's admin state says {@code version} is active (not timed). */
    private static void checkServed(List<Node> nodes, String service, int version) {
        List<CompletableFuture<String>> answers = nodes.stream().map(n -> HTTP.sendAsync(HttpRequest.newBuilder(
                URI.create(n.baseUrl() + "/admin/v1/state")).header("Authorization", "Bearer " + n.credential())
                .build(), HttpResponse.BodyHandlers.ofString()).thenApply(HttpResponse::body)).toList();
        for (int i = 0; i < nodes.size(); i++) {
            JsonNode state = RegistryClient.JSON.readTree(answers.get(i).join());
            boolean active = false;
            for (JsonNode s : state.path("services")) {
                active |= s.path("service").asString().equals(service) && s.path("activeVersion").asInt() == version;
            }
            if (!active) {
                throw new BenchmarkFailure(nodes.get(i).name() + " does not serve " + service + " v" + version + ": "
                        + state);
            }
        }
    }

    private static long millis(ResultSet rs, String column) throws java.sql.SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? -1 : Math.round(value);
    }

    private static String steps(Timing[] timings) {
        long stage = median(timings, Timing::stage);
        return median(timings, Timing::claim) + " | " + (stage < 0 ? "–" : stage) + " | "
                + median(timings, Timing::activate) + " | " + median(timings, Timing::total);
    }

    private static String runs(Timing[] timings) {
        return Arrays.toString(Arrays.stream(timings).mapToLong(Timing::total).toArray());
    }

    private static long median(Timing[] timings, ToLongFunction<Timing> step) {
        long[] sorted = Arrays.stream(timings).mapToLong(step).sorted().toArray();
        return sorted[sorted.length / 2];
    }
}
