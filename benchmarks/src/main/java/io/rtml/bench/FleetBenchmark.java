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
 * (repetitions per size, default 5), {@code rtml.bench.fleet.deployer-args} (extra deployer arguments),
 * {@code rtml.bench.fleet.deployer-jvm-args} (extra JVM arguments of the deployer, e.g. a flight
 * recording; {@code {label}} is replaced by the deployer's label), {@code
 * rtml.bench.deployer-start-minutes} (how long a deployer may take to start, default 3),
 * {@code rtml.bench.fleet.deployers}
 * ({@code label=jar,label=jar}: several deployer jars measured in the same run, one after the other
 * for each fleet size, all started at the beginning and each frozen with SIGSTOP while another has
 * its turn; default one, the jar of
 * {@code rtml.bench.deployer-jar} or the one built) and {@code rtml.bench.fleet.node-dir} (where the
 * nodes' data dirs go, default the run's work dir: {@code /dev/shm} puts their state files on tmpfs,
 * see docs/runs/fleet-speed.md for why that is a separate, labelled figure).
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
    /** Extra deployer JVM arguments, space-separated; {@code {label}} becomes the deployer's label. */
    private static final String DEPLOYER_JVM_ARGS = System.getProperty("rtml.bench.fleet.deployer-jvm-args", "");
    /** Where the nodes' data dirs (artifact cache, state.json) go; blank: the run's work dir. */
    private static final String NODE_DIR = System.getProperty("rtml.bench.fleet.node-dir", "");
    /** How long a deployer may take to start: minutes on a machine loaded by parallel builds. */
    private static final int DEPLOYER_START_SECONDS = 60 * Integer.getInteger("rtml.bench.deployer-start-minutes", 3);

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

    /** A deployer jar under test and its label in the tables. */
    private record DeployerJar(String label, Path jar) {}

    /** {@code rtml.bench.fleet.deployers}: label=jar,…; default one, the jar {@link DeployerProcess#execJar} finds. */
    private static List<DeployerJar> deployerJars(Path repo) {
        String configured = System.getProperty("rtml.bench.fleet.deployers", "");
        if (configured.isBlank()) {
            return List.of(new DeployerJar("deployer", DeployerProcess.execJar(repo)));
        }
        List<DeployerJar> jars = new ArrayList<>();
        for (String entry : configured.split(",")) {
            String[] parts = entry.trim().split("=", 2);
            if (parts.length != 2 || parts[0].isBlank() || !parts[0].matches("[A-Za-z0-9_-]+")
                    || !Files.isRegularFile(Path.of(parts[1]))) {
                throw new BenchmarkFailure("rtml.bench.fleet.deployers: expected label=path-of-an-exec-jar,…"
                        + " (labels of letters, digits, - and _), got '" + entry + "'");
            }
            jars.add(new DeployerJar(parts[0], Path.of(parts[1]).toAbsolutePath()));
        }
        return jars;
    }

    private static void run() throws Exception {
        Path repo = BenchStack.repo();
        List<DeployerJar> jars = deployerJars(repo);
        Path models = Path.of(System.getProperty("rtml.shared-models", repo.resolve("../shared/models").toString()));
        byte[] iris = Files.readAllBytes(models.resolve("sklearn_rf_iris_zipmap/model.onnx"));
        int maxEdges = Arrays.stream(EDGES).max().orElseThrow();
        System.out.println("FleetBenchmark " + LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS) + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs, Java " + System.getProperty("java.version")
                + ", load average " + Bench.loadAverage() + ", edges " + Arrays.toString(EDGES) + ", runs " + RUNS
                + ", deployers " + jars + ", node dirs under " + (NODE_DIR.isBlank() ? "the work dir" : NODE_DIR));
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
            // Every deployer started at once (they start while the nodes do) and kept; with several, the
            // one whose turn it is runs and the others are frozen (SIGSTOP): they claim nothing and take no CPU.
            List<DeployerProcess> deployers = new ArrayList<>();
            for (DeployerJar jar : jars) {
                deployers.add(startDeployer(jar, jar.label(), work, deployerArgs, cleanup));
            }
            Path nodeRoot = NODE_DIR.isBlank() ? work.resolve("nodes")
                    : Files.createTempDirectory(Files.createDirectories(Path.of(NODE_DIR)), "rtml-bench-fleet-nodes-");
            if (!NODE_DIR.isBlank()) {
                cleanup.add("delete " + nodeRoot, () -> Bench.deleteTree(nodeRoot));
            }
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
                    starting.add(starters.submit(() -> startNode(api, nodeRoot, name, kind, cleanup)));
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
            for (DeployerProcess deployer : deployers) {
                deployer.awaitStarted(DEPLOYER_START_SECONDS);
                if (deployers.size() > 1) {
                    deployer.freeze(true);
                }
            }
            List<String> rows = new ArrayList<>();
            List<String> steps = new ArrayList<>();
            try (Connection db = stack.db.connect()) {
                for (int edges : EDGES) {
                    for (int j = 0; j < jars.size(); j++) {
                        DeployerJar jar = jars.get(j);
                        String label = jars.size() == 1 ? "" : " (" + jar.label() + ")";
                        DeployerProcess deployer = deployers.get(j);
                        try {
                            if (jars.size() > 1) {
                                deployer.freeze(false);
                            }
                            measure(api, db, nodes.subList(0, edges + 1), edges, label,
                                    "fleet-" + (jars.size() == 1 ? "" : jar.label() + "-") + edges, rows, steps);
                        } catch (BenchmarkFailure e) {
                            // The other sizes still say something; the run still exits 1 at the end.
                            failed = true;
                            String why = e.getMessage().lines().findFirst().orElse("");
                            rows.add("| hub + " + edges + " edges" + label + " | failed: "
                                    + why.substring(0, Math.min(300, why.length())) + " | | | |");
                        } finally {
                            if (jars.size() > 1) {
                                deployer.freeze(true);
                            }
                        }
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

    /** {@code name}: of its copy, its log and {@code {label}} in its JVM arguments. */
    private static DeployerProcess startDeployer(DeployerJar jar, String name, Path work, List<String> deployerArgs,
            Cleanup cleanup) throws java.io.IOException {
        List<String> jvmArgs = new ArrayList<>(List.of("-Xmx512m"));
        if (!DEPLOYER_JVM_ARGS.isBlank()) {
            for (String arg : DEPLOYER_JVM_ARGS.trim().split("\\s+")) {
                jvmArgs.add(arg.replace("{label}", name));
            }
        }
        return DeployerProcess.start(jar.jar(), name, work, jvmArgs, deployerArgs, cleanup);
    }

    private static Node startNode(RegistryClient api, Path nodeRoot, String name, String kind, Cleanup cleanup)
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
        Path dataDir = Files.createDirectories(nodeRoot.resolve(name));
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

    private static void measure(RegistryClient api, Connection db, List<Node> nodes, int edges, String label,
            String service, List<String> rows, List<String> steps) throws Exception {
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
        String setup = "| hub + " + edges + " edges" + label + " | ";
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
        // Polled by primary key, the steps read once at the end: the benchmark's own queries share the
        // machine's cores with what it measures, and the row's clock does not depend on when it looks.
        try (PreparedStatement poll = db.prepareStatement("SELECT status FROM deployment WHERE id = ?");
                PreparedStatement query = db.prepareStatement("""
                SELECT d.status, d.error,
                       extract(epoch FROM d.finished_at - d.requested_at) * 1000 AS total,
                       extract(epoch FROM d.started_at - d.requested_at) * 1000 AS claim,
                       extract(epoch FROM (SELECT max(t.staged_at) FROM deployment_target t WHERE t.deployment_id = d.id)
                               - d.started_at) * 1000 AS stage,
                       extract(epoch FROM d.finished_at - coalesce((SELECT max(t.staged_at) FROM deployment_target t
                               WHERE t.deployment_id = d.id), d.started_at)) * 1000 AS activate
                FROM deployment d WHERE d.id = ?""")) {
            query.setLong(1, id);
            poll.setLong(1, id);
            while (true) {
                try (ResultSet polled = poll.executeQuery()) {
                    polled.next();
                    if (!List.of("SUCCEEDED", "FAILED", "ROLLED_BACK").contains(polled.getString(1))) {
                        if (System.nanoTime() > deadline) {
                            throw new BenchmarkFailure("deployment " + id + " not finished after 120 s");
                        }
                        Thread.sleep(5);
                        continue;
                    }
                }
                try (ResultSet rs = query.executeQuery()) {
                    rs.next();
                    String status = rs.getString("status");
                    if (status.equals("SUCCEEDED")) {
                        Timing timing = new Timing(millis(rs, "total"), millis(rs, "claim"), millis(rs, "stage"),
                                millis(rs, "activate"));
                        checkServed(nodes, service, version);
                        return timing;
                    }
                    throw new BenchmarkFailure("deployment " + id + " ended " + status + ": " + rs.getString("error"));
                }
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
