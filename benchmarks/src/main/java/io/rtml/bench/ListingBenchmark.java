package io.rtml.bench;

import io.rtml.testing.ReferenceModels;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;

/**
 * Latency of the registry's listings with 100,000 versions of one model in the database: the first
 * page of {@code GET /api/v1/models/{name}/versions}, a search by tag, a page 100 pages deep, and
 * {@code GET /api/v1/models?tag=} over 1,000 models. 1,000 requests each after 200 warm-up, one at a
 * time on one keep-alive connection, the four kinds taking turns, into an HdrHistogram each. Then {@code EXPLAIN ANALYZE} of the SQL the
 * registry issued for each (captured from its Hibernate SQL log, switched on only for that).
 *
 * <p>Run from the repository root: {@code java -cp benchmarks/target/benchmarks.jar io.rtml.bench.ListingBenchmark}.
 * Exits 1 when a precondition fails (a request not 200, a page with the wrong versions).
 */
public final class ListingBenchmark {

    private static final String SOURCE_MODEL = "bench-source";
    private static final String MODEL = "bench-list";
    private static final int VERSIONS = 100_000;
    private static final int TEAM_MODELS = 1_000;
    private static final int PAGE_SIZE = 50; // the registry's default
    private static final int DEEP_PAGES = 100;
    private static final int WARMUP = Integer.getInteger("rtml.bench.listing.warmup", 200);
    private static final int MEASURED = Integer.getInteger("rtml.bench.listing.requests", 1_000);
    private static final Pattern LOG_LINE_START = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}");

    private ListingBenchmark() {}

    public static void main(String[] args) {
        System.exit(Bench.run("ListingBenchmark", () -> {
            run();
            return null;
        }));
    }

    /** One measured request kind. */
    private record Scenario(String name, String path, String sqlMarker, List<Object> sqlParams, Consumer<JsonNode> check) {}

    private record Result(Scenario scenario, Histogram histogram, long responseBytes) {}

    private static void run() throws Exception {
        Path repo = BenchStack.repo();
        RegistryProcess.execJar(repo);
        System.out.println("ListingBenchmark " + LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS) + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs, Java " + System.getProperty("java.version")
                + ", load average " + Bench.loadAverage());
        try (Cleanup cleanup = new Cleanup()) {
            Path work = BenchStack.workDir("rtml-bench-listing-", cleanup);
            BenchStack stack = BenchStack.start(repo, work, List.of(), List.of(
                    // Tomcat closes a keep-alive connection after 100 requests by default; keep one for the whole run.
                    "--server.tomcat.max-keep-alive-requests=-1",
                    // To switch the Hibernate SQL log on after the measurements, for EXPLAIN.
                    "--management.endpoints.web.exposure.include=health,info,prometheus,metrics,loggers"), cleanup);
            RegistryClient api = stack.api;

            api.createModel(SOURCE_MODEL);
            var titanic = ReferenceModels.bundled("sklearn_titanic_pipeline");
            RegistryClient.expect(api.upload("/api/v1/models/" + SOURCE_MODEL + "/versions", titanic.readBytes()), 201,
                    "upload of sklearn_titanic_pipeline");
            api.createModel(MODEL);
            long modelId = seed(stack.db);

            String deepToken = followPages(api, DEEP_PAGES);
            int deepFirst = VERSIONS - DEEP_PAGES * PAGE_SIZE;
            List<Scenario> scenarios = List.of(
                    new Scenario("first page", "/api/v1/models/" + MODEL + "/versions", "model_version",
                            List.of(modelId, Integer.MAX_VALUE, PAGE_SIZE + 1),
                            page -> checkVersions(page, PAGE_SIZE, VERSIONS, 1, null)),
                    new Scenario("first page, pageSize=1", "/api/v1/models/" + MODEL + "/versions?pageSize=1", "model_version",
                            List.of(modelId, Integer.MAX_VALUE, 2),
                            page -> checkVersions(page, 1, VERSIONS, 1, null)),
                    new Scenario("tag search batch:42", "/api/v1/models/" + MODEL + "/versions?tag=batch:42", "model_version",
                            List.of(modelId, Integer.MAX_VALUE, "{\"batch\":\"42\"}", PAGE_SIZE + 1),
                            page -> checkVersions(page, PAGE_SIZE, VERSIONS - 58, 100, "42")),
                    new Scenario("page 101 (token)", "/api/v1/models/" + MODEL + "/versions?pageToken="
                            + URLEncoder.encode(deepToken, StandardCharsets.UTF_8), "model_version",
                            List.of(modelId, deepFirst + 1, PAGE_SIZE + 1),
                            page -> checkVersions(page, PAGE_SIZE, deepFirst, 1, null)),
                    new Scenario("models tag team:bench", "/api/v1/models?tag=team:bench", "registered_model",
                            List.of("{\"team\":\"bench\"}", PAGE_SIZE + 1),
                            ListingBenchmark::checkTeamModels));

            List<Result> results = measure(api, scenarios);

            System.out.println();
            System.out.println("== ListingBenchmark result (" + VERSIONS + " versions of " + MODEL + ", " + TEAM_MODELS
                    + " models tagged team:bench; " + MEASURED + " requests each after " + WARMUP
                    + " warm-up, sequential, one keep-alive connection, JDK HttpClient)");
            System.out.println(String.format("%-24s %8s %8s %8s %8s %8s %10s", "request", "p50 ms", "p90 ms", "p99 ms",
                    "max ms", "mean ms", "bytes"));
            for (Result r : results) {
                Histogram h = r.histogram();
                System.out.println(String.format("%-24s %8s %8s %8s %8s %8s %10d", r.scenario().name(),
                        ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
                        ms(h.getMaxValue()), Bench.fmt(h.getMean() / 1e6, 3), r.responseBytes()));
            }

            System.out.println("load average after the measurements: " + Bench.loadAverage());
            explainAll(stack, scenarios);
        }
    }

    /** Bulk-inserts the 100,000 versions (copying the real row's signature) and the 1,000 tagged models. */
    private static long seed(FreshDatabase db) throws SQLException {
        long start = System.nanoTime();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            int inserted = s.executeUpdate("""
                    INSERT INTO model_version (model_id, version, description, tags, sha256, size_bytes, artifact_key,
                                               signature, created_at, created_by, updated_at)
                    SELECT m.id, g, '', jsonb_build_object('batch', mod(g, 100)::text), h.sha, src.size_bytes,
                           'artifacts/sha256/' || substr(h.sha, 1, 2) || '/' || h.sha, src.signature,
                           now() - make_interval(secs => %d - g), 'bench', now() - make_interval(secs => %d - g)
                    FROM registered_model m
                    CROSS JOIN (SELECT v.size_bytes, v.signature FROM model_version v
                                JOIN registered_model sm ON sm.id = v.model_id
                                WHERE sm.name = '%s' AND v.version = 1) src
                    CROSS JOIN generate_series(1, %d) AS g
                    CROSS JOIN LATERAL (SELECT encode(sha256(g::text::bytea), 'hex') AS sha) h
                    WHERE m.name = '%s'""".formatted(VERSIONS, VERSIONS, SOURCE_MODEL, VERSIONS, MODEL));
            if (inserted != VERSIONS) {
                throw new BenchmarkFailure("inserted " + inserted + " versions, expected " + VERSIONS);
            }
            s.executeUpdate("UPDATE registered_model SET latest_version = " + VERSIONS + " WHERE name = '" + MODEL + "'");
            int models = s.executeUpdate("""
                    INSERT INTO registered_model (name, description, tags, latest_version, created_at, created_by, updated_at)
                    SELECT 'bench-team-' || lpad(g::text, 4, '0'), 'benchmark model ' || g, '{"team":"bench"}'::jsonb, 0,
                           now(), 'bench', now()
                    FROM generate_series(1, %d) AS g""".formatted(TEAM_MODELS));
            if (models != TEAM_MODELS) {
                throw new BenchmarkFailure("inserted " + models + " models, expected " + TEAM_MODELS);
            }
            s.execute("ANALYZE");
            long modelId;
            try (ResultSet rs = s.executeQuery("SELECT id FROM registered_model WHERE name = '" + MODEL + "'")) {
                rs.next();
                modelId = rs.getLong(1);
            }
            try (ResultSet rs = s.executeQuery("""
                    SELECT pg_size_pretty(pg_total_relation_size('model_version')),
                           (SELECT length(signature::text) FROM model_version WHERE version = 1 LIMIT 1)""")) {
                rs.next();
                System.out.println("seeded " + VERSIONS + " versions and " + TEAM_MODELS + " models in "
                        + Bench.fmt(Bench.seconds(System.nanoTime() - start), 1) + " s; model_version is " + rs.getString(1)
                        + " with indexes; each signature is " + rs.getInt(2) + " characters of JSON");
            }
            return modelId;
        }
    }

    /** Follows nextPageToken {@code pages} times from the first page; returns the token of the page after. */
    private static String followPages(RegistryClient api, int pages) throws IOException, InterruptedException {
        String token = null;
        for (int i = 0; i < pages; i++) {
            String path = "/api/v1/models/" + MODEL + "/versions"
                    + (token == null ? "" : "?pageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
            JsonNode page = RegistryClient.expect(api.get(path), 200, "GET " + path);
            JsonNode next = page.path("nextPageToken");
            token = next.isString() ? next.asString() : null;
            if (token == null) {
                throw new BenchmarkFailure("page " + (i + 1) + " has no nextPageToken");
            }
        }
        return token;
    }

    /**
     * Warms up with 200 requests of each kind, then measures 1,000 of each. The kinds take turns
     * request by request, so JIT warm-up and whatever else the shared machine is doing fall on all of
     * them alike instead of on whichever happens to run first.
     */
    private static List<Result> measure(RegistryClient api, List<Scenario> scenarios) throws IOException, InterruptedException {
        List<Histogram> histograms = new ArrayList<>();
        long[] bytes = new long[scenarios.size()];
        for (int k = 0; k < scenarios.size(); k++) {
            histograms.add(new Histogram(TimeUnit.SECONDS.toNanos(60), 3));
        }
        for (int i = 0; i < WARMUP + MEASURED; i++) {
            for (int k = 0; k < scenarios.size(); k++) {
                Scenario scenario = scenarios.get(k);
                long start = System.nanoTime();
                HttpResponse<byte[]> response = api.get(scenario.path());
                long elapsed = System.nanoTime() - start;
                JsonNode page = RegistryClient.expect(response, 200, "GET " + scenario.path());
                scenario.check().accept(page);
                if (i >= WARMUP) {
                    histograms.get(k).recordValue(elapsed);
                    bytes[k] = response.body().length;
                }
            }
        }
        List<Result> results = new ArrayList<>();
        for (int k = 0; k < scenarios.size(); k++) {
            results.add(new Result(scenarios.get(k), histograms.get(k), bytes[k]));
        }
        return results;
    }

    /** {@code size} versions, descending by {@code step} from {@code first}, all tagged batch={@code batch} when given. */
    private static void checkVersions(JsonNode page, int size, int first, int step, String batch) {
        JsonNode items = page.path("items");
        if (items.size() != size || page.path("nextPageToken").isMissingNode() || page.path("nextPageToken").isNull()) {
            throw new BenchmarkFailure("expected a full page of " + size + " with a next page, got " + items.size());
        }
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            int expected = first - i * step;
            if (item.path("version").asInt() != expected
                    || (batch != null && !batch.equals(item.path("tags").path("batch").asString()))
                    || item.path("signature").path("inputs").size() == 0) {
                throw new BenchmarkFailure("item " + i + " should be version " + expected
                        + (batch == null ? "" : " tagged batch:" + batch) + " with a signature; got " + item);
            }
        }
    }

    private static void checkTeamModels(JsonNode page) {
        JsonNode items = page.path("items");
        if (items.size() != PAGE_SIZE || !"bench-team-0001".equals(items.get(0).path("name").asString())) {
            throw new BenchmarkFailure("expected " + PAGE_SIZE + " models from bench-team-0001, got " + items.size() + ": "
                    + (items.isEmpty() ? "" : items.get(0)));
        }
        for (JsonNode item : items) {
            if (!"bench".equals(item.path("tags").path("team").asString())) {
                throw new BenchmarkFailure("model without tag team:bench in the result: " + item);
            }
        }
    }

    private static String ms(long nanos) {
        return Bench.fmt(nanos / 1e6, 3);
    }

    // --- the SQL behind each request, and its plans -------------------------------------------------------------

    /**
     * Switches the registry's Hibernate SQL log on, makes one request of each kind, reads back the
     * statements it issued, and runs EXPLAIN ANALYZE of the listing query of each with the values the
     * registry bound, as a custom plan and as the generic plan a long-lived prepared statement gets.
     */
    private static void explainAll(BenchStack stack, List<Scenario> scenarios) throws Exception {
        RegistryClient api = stack.api;
        String loggers = "/actuator/loggers/org.hibernate.SQL";
        HttpResponse<byte[]> on = api.postJson(loggers, "{\"configuredLevel\":\"DEBUG\"}");
        boolean captured = on.statusCode() / 100 == 2;
        if (!captured) {
            System.out.println("(could not switch the SQL log on: " + on.statusCode() + "; EXPLAIN uses the SQL from the source)");
        }
        System.out.println();
        System.out.println("== SQL per request and plans");
        try (Connection c = stack.db.connect()) {
            for (Scenario scenario : scenarios) {
                List<String> statements = captured ? capture(stack, scenario.path()) : List.of();
                String listing = statements.stream()
                        .filter(sql -> sql.contains(scenario.sqlMarker()) && sql.toLowerCase().contains("order by"))
                        .findFirst()
                        .orElse(null);
                System.out.println(scenario.name() + ": " + statements.size() + " SQL statements per request"
                        + (statements.isEmpty() ? "" : ":"));
                for (int i = 0; i < statements.size(); ) {
                    int same = 1;
                    while (i + same < statements.size() && statements.get(i + same).equals(statements.get(i))) {
                        same++;
                    }
                    System.out.println("    " + (same > 1 ? same + " x " : "") + statements.get(i));
                    i += same;
                }
                if (listing == null || placeholders(listing) != scenario.sqlParams().size()) {
                    listing = fallbackSql(scenario.sqlParams().size());
                    System.out.println("  (listing query not found in the log; EXPLAIN uses the SQL of the registry's source: "
                            + listing + ")");
                }
                explain(c, scenario.sqlParams(), listing);
            }
            // Not measured over HTTP: the tag search's worst case, a tag no version has, which reads every version.
            List<Object> none = List.of(scenarios.get(0).sqlParams().get(0), Integer.MAX_VALUE, "{\"batch\":\"none\"}", PAGE_SIZE + 1);
            System.out.println("tag search for a tag no version has (EXPLAIN only):");
            explain(c, none, fallbackSql(4));
        }
        if (captured) {
            api.postJson(loggers, "{\"configuredLevel\":null}");
        }
    }

    /** The statements the registry logged while answering one request. */
    private static List<String> capture(BenchStack stack, String path) throws Exception {
        Path log = stack.registry.log();
        long from = log.toFile().length();
        RegistryClient.expect(stack.api.get(path), 200, "GET " + path);
        Thread.sleep(500); // let the child flush its log
        List<String> statements = new ArrayList<>();
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            file.seek(from);
            byte[] bytes = new byte[(int) (file.length() - from)];
            file.readFully(bytes);
            StringBuilder current = null;
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                int at = line.indexOf("org.hibernate.SQL");
                if (at >= 0) {
                    if (current != null) {
                        statements.add(current.toString());
                    }
                    current = new StringBuilder(line.substring(at + "org.hibernate.SQL".length()).replaceFirst("^\\s*:\\s*", "").strip());
                } else if (current != null && !LOG_LINE_START.matcher(line).find()) {
                    current.append(' ').append(line.strip()); // a statement written over several lines
                } else if (current != null) {
                    statements.add(current.toString());
                    current = null;
                }
            }
            if (current != null) {
                statements.add(current.toString());
            }
        }
        return statements;
    }

    private static String fallbackSql(int parameters) {
        // ModelVersionRepository (derived query and findTaggedPage) and ModelSearch.page.
        return switch (parameters) {
            case 3 -> "SELECT * FROM model_version WHERE model_id = ? AND version < ? ORDER BY version DESC LIMIT ?";
            case 4 -> "SELECT * FROM model_version WHERE model_id = ? AND version < ? AND tags @> CAST(? AS jsonb) "
                    + "ORDER BY version DESC LIMIT ?";
            default -> "SELECT * FROM registered_model WHERE true AND tags @> CAST(? AS jsonb) ORDER BY name LIMIT ?";
        };
    }

    private static int placeholders(String sql) {
        return (int) sql.chars().filter(ch -> ch == '?').count();
    }

    private static void explain(Connection c, List<Object> params, String sql) throws SQLException {
        StringBuilder numbered = new StringBuilder();
        int n = 0;
        for (char ch : sql.toCharArray()) {
            numbered.append(ch == '?' ? "$" + (++n) : String.valueOf(ch));
        }
        StringBuilder args = new StringBuilder();
        for (Object value : params) {
            args.append(args.isEmpty() ? "" : ", ")
                    .append(value instanceof String text ? "'" + text.replace("'", "''") + "'" : value.toString());
        }
        try (Statement s = c.createStatement()) {
            s.execute("DEALLOCATE ALL");
            s.execute("PREPARE bench_q AS " + numbered);
            for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
                s.execute("SET plan_cache_mode = " + mode);
                String explain = "EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_q(" + args + ")";
                s.execute(explain); // once to warm the cache; the second is shown
                System.out.println("  plan (" + mode.replace("force_", "").replace("_plan", "") + ") for (" + args + "):");
                try (ResultSet rs = s.executeQuery(explain)) {
                    while (rs.next()) {
                        System.out.println("    " + rs.getString(1));
                    }
                }
            }
            s.execute("RESET plan_cache_mode");
            s.execute("DEALLOCATE bench_q");
        }
    }
}
