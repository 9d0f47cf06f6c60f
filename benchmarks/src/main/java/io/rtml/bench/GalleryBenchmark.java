package io.rtml.bench;

import io.rtml.deployment.DeploymentDriver;
import io.rtml.deployment.DeploymentKind;
import io.rtml.deployment.DeploymentRequests;
import io.rtml.testing.ReferenceModels;
import java.io.RandomAccessFile;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Latency of the service gallery's listing, {@code GET /api/v1/services}, with 1,000 services in the
 * database, each placed on four targets (a hub and three edges) with three finished deployments of
 * four targets each, as a gallery looks after a while. The default page (50), a page of 500, and
 * one service's detail; 1,000 requests each after 200 warm-up, one at a time on one keep-alive
 * connection, the kinds taking turns, into an HdrHistogram each; then the SQL statements one request
 * of each kind issues, counted in the registry's Hibernate SQL log.
 *
 * <p>Run from the repository root: {@code java -cp benchmarks/target/benchmarks.jar io.rtml.bench.GalleryBenchmark};
 * {@code -Drtml.bench.registry-jar=…} measures another build of the registry (e.g. main's) with the same seed.
 * Exits 1 when a precondition fails (a request not 200, a page with the wrong services).
 */
public final class GalleryBenchmark {

    private static final String MODEL = "bench-gallery";
    private static final int SERVICES = Integer.getInteger("rtml.bench.gallery.services", 1_000);
    private static final int DEPLOYMENTS_PER_SERVICE = 3;
    private static final int WARMUP = Integer.getInteger("rtml.bench.gallery.warmup", 200);
    private static final int MEASURED = Integer.getInteger("rtml.bench.gallery.requests", 1_000);

    private GalleryBenchmark() {}

    public static void main(String[] args) {
        System.exit(Bench.run("GalleryBenchmark", () -> {
            run();
            return null;
        }));
    }

    private record Scenario(String name, String path, Consumer<JsonNode> check) {}

    private static void run() throws Exception {
        var repo = BenchStack.repo();
        System.out.println("GalleryBenchmark " + LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS) + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs, Java " + System.getProperty("java.version")
                + ", registry " + RegistryProcess.execJar(repo) + ", load average " + Bench.loadAverage());
        try (Cleanup cleanup = new Cleanup()) {
            var work = BenchStack.workDir("rtml-bench-gallery-", cleanup);
            BenchStack stack = BenchStack.start(repo, work, List.of(),
                    List.of(
                            // Tomcat closes a keep-alive connection after 100 requests by default; keep one for the whole run.
                            "--server.tomcat.max-keep-alive-requests=-1",
                            // To switch the Hibernate SQL log on after the measurements, to count statements.
                            "--management.endpoints.web.exposure.include=health,info,prometheus,metrics,loggers"),
                    cleanup);
            RegistryClient api = stack.api;
            api.createModel(MODEL);
            RegistryClient.expect(api.upload("/api/v1/models/" + MODEL + "/versions",
                    ReferenceModels.bundled("sklearn_titanic_pipeline").readBytes()), 201, "upload of sklearn_titanic_pipeline");
            seed(stack.db);

            List<Scenario> scenarios = List.of(
                    new Scenario("services (page of 50)", "/api/v1/services", page -> checkPage(page, 50)),
                    new Scenario("services?pageSize=500", "/api/v1/services?pageSize=500", page -> checkPage(page, 500)),
                    new Scenario("services/{name}", "/api/v1/services/bench-svc-0500", GalleryBenchmark::checkDetail));
            List<Histogram> histograms = measure(api, scenarios);

            System.out.println();
            System.out.println("== GalleryBenchmark result (" + SERVICES + " services on 4 targets, "
                    + DEPLOYMENTS_PER_SERVICE + " deployments each; " + MEASURED + " requests each after " + WARMUP
                    + " warm-up, sequential, one keep-alive connection, JDK HttpClient)");
            List<Integer> statements = statements(stack, scenarios);
            System.out.println(String.format("%-24s %8s %8s %8s %8s %8s %11s", "request", "p50 ms", "p90 ms", "p99 ms",
                    "max ms", "mean ms", "statements"));
            for (int k = 0; k < scenarios.size(); k++) {
                Histogram h = histograms.get(k);
                System.out.println(String.format("%-24s %8s %8s %8s %8s %8s %11s", scenarios.get(k).name(),
                        ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
                        ms(h.getMaxValue()), Bench.fmt(h.getMean() / 1e6, 3),
                        statements.get(k) < 0 ? "?" : statements.get(k)));
            }
            System.out.println("load average after the measurements: " + Bench.loadAverage());
        }
    }

    /**
     * Bulk-inserts the targets and services (the registry's own rows), then writes each service's
     * deployments with the deployment module's writer, requested as the registry requests them and
     * finished as a deployer finishes them, and what the nodes hold as their probe records it: the
     * gallery reads exactly the rows a deployer leaves, not an imitation that could drift from them
     * (3,000 deployments take seconds).
     */
    private static void seed(FreshDatabase db) throws SQLException {
        long start = System.nanoTime();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("""
                    INSERT INTO target (name, kind, region, base_url, created_at, created_by, updated_at, health, last_seen_at)
                    VALUES ('bench-hub', 'HUB', 'eu', 'http://hub.bench:8090', now(), 'bench', now(), 'UP', now()),
                           ('bench-edge-1', 'EDGE', 'eu', 'http://edge1.bench:8090', now(), 'bench', now(), 'UP', now()),
                           ('bench-edge-2', 'EDGE', 'us', 'http://edge2.bench:8090', now(), 'bench', now(), 'UP', now()),
                           ('bench-edge-3', 'EDGE', 'ap', 'http://edge3.bench:8090', now(), 'bench', now(), 'DOWN', now())""");
            int services = s.executeUpdate("""
                    INSERT INTO service (name, model_id, description, created_at, created_by)
                    SELECT 'bench-svc-' || lpad(g::text, 4, '0'), m.id, 'benchmark service ' || g, now(), 'bench'
                    FROM registered_model m CROSS JOIN generate_series(1, %d) AS g
                    WHERE m.name = '%s'""".formatted(SERVICES, MODEL));
            if (services != SERVICES) {
                throw new BenchmarkFailure("inserted " + services + " services, expected " + SERVICES);
            }
        }
        try (Connection c = db.connect()) {
            deploy(new SingleConnectionDataSource(c, true));
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE");
            }
        }
        System.out.println("seeded " + SERVICES + " services in " + Bench.fmt(Bench.seconds(System.nanoTime() - start), 1)
                + " s");
    }

    /** Per service, {@value #DEPLOYMENTS_PER_SERVICE} deployments of version 1 on every target, each succeeded. */
    private static void deploy(SingleConnectionDataSource ds) {
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        PlatformTransactionManager transactions = new DataSourceTransactionManager(ds);
        TransactionTemplate tx = new TransactionTemplate(transactions);
        DeploymentRequests requests = new DeploymentRequests(jdbc);
        DeploymentDriver deployer = new DeploymentDriver(jdbc, transactions);
        List<Long> targetIds = jdbc.queryForList("SELECT id FROM target WHERE name LIKE 'bench-%' ORDER BY id", Long.class);
        List<String> targetNames = jdbc.queryForList("SELECT name FROM target WHERE name LIKE 'bench-%' ORDER BY id",
                String.class);
        Map<Long, String> services = new LinkedHashMap<>();
        jdbc.query("SELECT id, name FROM service ORDER BY id", (RowCallbackHandler) rs -> services.put(rs.getLong(1),
                rs.getString(2)));
        DeploymentRequests.Requester bench = new DeploymentRequests.Requester("bench", null);
        Map<String, List<Integer>> held = new HashMap<>();
        services.forEach((id, name) -> {
            for (int d = 0; d < DEPLOYMENTS_PER_SERVICE; d++) {
                Long deployment = tx.execute(status -> requests.start(id, name, DeploymentKind.DEPLOY, 1, false,
                        targetIds, targetNames, bench, Instant.now()));
                deployer.succeed(deployment);
            }
            held.put(name, List.of(1));
        });
        targetNames.forEach(target -> deployer.held(target, held));
    }

    /** Warm-up, then the measured requests; the kinds take turns request by request. */
    private static List<Histogram> measure(RegistryClient api, List<Scenario> scenarios) throws Exception {
        List<Histogram> histograms = new ArrayList<>();
        for (int k = 0; k < scenarios.size(); k++) {
            histograms.add(new Histogram(TimeUnit.SECONDS.toNanos(60), 3));
        }
        for (int i = 0; i < WARMUP + MEASURED; i++) {
            for (int k = 0; k < scenarios.size(); k++) {
                Scenario scenario = scenarios.get(k);
                long start = System.nanoTime();
                HttpResponse<byte[]> response = api.get(scenario.path());
                long elapsed = System.nanoTime() - start;
                scenario.check().accept(RegistryClient.expect(response, 200, "GET " + scenario.path()));
                if (i >= WARMUP) {
                    histograms.get(k).recordValue(elapsed);
                }
            }
        }
        return histograms;
    }

    /**
     * The SQL statements one request of each kind issues: the registry's Hibernate SQL log is
     * switched on (after the measurements) and its lines counted; -1 where the log cannot be switched.
     */
    private static List<Integer> statements(BenchStack stack, List<Scenario> scenarios) throws Exception {
        String logger = "/actuator/loggers/org.hibernate.SQL";
        if (stack.api.postJson(logger, "{\"configuredLevel\":\"DEBUG\"}").statusCode() / 100 != 2) {
            return scenarios.stream().map(s -> -1).toList();
        }
        List<Integer> counts = new ArrayList<>();
        Path log = stack.registry.log();
        for (Scenario scenario : scenarios) {
            long from = Files.size(log);
            RegistryClient.expect(stack.api.get(scenario.path()), 200, "GET " + scenario.path());
            Thread.sleep(500); // let the child flush its log
            String written;
            try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
                file.seek(from);
                byte[] bytes = new byte[(int) (file.length() - from)];
                file.readFully(bytes);
                written = new String(bytes, StandardCharsets.UTF_8);
            }
            counts.add((int) written.lines().filter(line -> line.contains("org.hibernate.SQL")).count());
        }
        stack.api.postJson(logger, "{\"configuredLevel\":null}");
        return counts;
    }

    /** A full page from bench-svc-0001, each service on its four targets with its last deployment. */
    private static void checkPage(JsonNode page, int size) {
        JsonNode items = page.path("items");
        if (items.size() != size || !"bench-svc-0001".equals(items.get(0).path("name").asString())) {
            throw new BenchmarkFailure("expected " + size + " services from bench-svc-0001, got " + items.size());
        }
        for (JsonNode item : items) {
            if (item.path("targets").size() != 4 || item.path("deployments").size() != 1
                    || !"SUCCEEDED".equals(item.path("status").asString())
                    || item.path("deployments").get(0).path("targets").size() != 4) {
                throw new BenchmarkFailure("service without its 4 targets and last deployment: " + item);
            }
        }
    }

    private static void checkDetail(JsonNode service) {
        if (service.path("targets").size() != 4 || service.path("deployments").size() != DEPLOYMENTS_PER_SERVICE
                || service.path("signature").path("inputs").isEmpty()) {
            throw new BenchmarkFailure("service detail without its targets, deployments and signature: " + service);
        }
    }

    private static String ms(long nanos) {
        return Bench.fmt(nanos / 1e6, 3);
    }
}
