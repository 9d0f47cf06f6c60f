package io.rtml.deployer.bench;

import io.rtml.deployer.support.Deployers;
import io.rtml.deployer.support.Predictor;
import io.rtml.deployer.support.Registry;
import io.rtml.deployer.support.TestNodes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.ToLongFunction;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Deploy and rollback latency, from the deployment INSERT (what the registry's POST does) to the
 * moment every target answers OIP infer with the new version, for a hub plus 2 and plus 20 edges
 * (real scoring nodes in this JVM on loopback ports), one real deployer with its default settings,
 * real PostgreSQL and s3proxy. Prints a Markdown table; docs/deployer.md holds the numbers.
 *
 * <pre>./mvnw -q -f deployer/pom.xml test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.rtml.deployer.bench.DeployBenchmark [-Dexec.args="7 3"]</pre>
 * Deployers wake on the NOTIFY trigger of migration V004 and also poll every 50 ms.
 */
public final class DeployBenchmark {

    private record Model(String name, String body, IntFunction<byte[]> version, int runs) {}

    /**
     * One measured deployment: what the client saw, and the steps as the deployment rows recorded
     * them (database clock): INSERT → claim (started_at) → every target staged (staged_at, written
     * when the deployment moves to ACTIVATING; none for a rollback) → every target active
     * (activated_at, the final transaction).
     */
    private record Timing(long served, long claim, long stage, long activate) {}

    public static void main(String[] args) throws Exception {
        int smallRuns = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int bigRuns = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<Model> models = List.of(
                new Model("pytorch_cnn_mnist (88 KB)", null, Registry::mnistVersion, smallRuns),
                new Model("identity + 50 MB initializer", Predictor.IDENTITY_BODY,
                        n -> Registry.bigIdentityVersion(n, 50), bigRuns));
        List<String> rows = new ArrayList<>();
        List<String> breakdown = new ArrayList<>();
        List<TestNodes.Node> nodes = new ArrayList<>();
        nodes.add(TestNodes.hub("bench-hub"));
        for (int i = 0; i < 20; i++) {
            nodes.add(TestNodes.edge("bench-edge-" + i));
        }
        ConfigurableApplicationContext deployer = Deployers.start("bench",
                Map.of("rtml.deployer.poll-interval", "50ms", "rtml.deployer.lease", "10s",
                        "logging.level.io.rtml", "WARN"));
        try {
            Registry registry = new Registry(deployer.getBean(S3Client.class));
            System.out.println("queue wake-up: LISTEN/NOTIFY (+ 50 ms polling)");
            List<Long> targetIds = new ArrayList<>();
            for (TestNodes.Node node : nodes) {
                targetIds.add(registry.target(Registry.unique(node.name), node == nodes.get(0) ? "HUB" : "EDGE",
                        node.baseUrl()));
            }
            for (int edges : new int[] {2, 20}) {
                List<TestNodes.Node> setup = nodes.subList(0, edges + 1);
                List<Long> targets = targetIds.subList(0, edges + 1);
                for (Model model : models) {
                    rows.add(measure(registry, model, setup, targets, edges, breakdown));
                }
            }
        } finally {
            deployer.close();
            nodes.forEach(TestNodes.Node::close);
        }
        System.out.println();
        System.out.println("| setup | model | deploy median (ms) | deploy runs (ms) | rollback median (ms) | rollback runs (ms) |");
        System.out.println("|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
        System.out.println();
        System.out.println("Medians per step (ms): claim = INSERT to claim; stage = claim to every target staged;"
                + " activate = staged (a rollback: claim) to every target active (final transaction);"
                + " served = INSERT to every node answering with the new version, as the client saw it");
        System.out.println();
        System.out.println("| setup | model | kind | claim | stage | activate | served |");
        System.out.println("|---|---|---|---|---|---|---|");
        breakdown.forEach(System.out::println);
        System.exit(0);
    }

    private static String measure(Registry registry, Model model, List<TestNodes.Node> nodes, List<Long> targets,
            int edges, List<String> breakdown) {
        String service = Registry.unique("bench");
        long modelId = registry.model(service + "-model");
        for (int v = 1; v <= model.runs() + 1; v++) {
            registry.version(modelId, v, model.version().apply(v));
        }
        long serviceId = registry.service(service, modelId);
        Predictor predictor = model.body() == null ? new Predictor() : new Predictor(model.body());
        timed(registry, predictor, nodes, serviceId, service, "DEPLOY", 1, targets); // warm-up: first load everywhere
        Timing[] deploys = new Timing[model.runs()];
        Timing[] rollbacks = new Timing[model.runs()];
        for (int run = 0; run < model.runs(); run++) {
            int next = run + 2;
            deploys[run] = timed(registry, predictor, nodes, serviceId, service, "DEPLOY", next, targets);
            rollbacks[run] = timed(registry, predictor, nodes, serviceId, service, "ROLLBACK", next - 1, targets);
            // Leave the new version active before the next run.
            timed(registry, predictor, nodes, serviceId, service, "DEPLOY", next, targets);
        }
        String setup = "| hub + " + edges + " edges | " + model.name() + " | ";
        breakdown.add(setup + "deploy | " + steps(deploys) + " |");
        breakdown.add(setup + "rollback | " + steps(rollbacks) + " |");
        String row = setup + median(deploys, Timing::served) + " | " + runs(deploys, Timing::served) + " | "
                + median(rollbacks, Timing::served) + " | " + runs(rollbacks, Timing::served) + " |";
        System.out.println(row);
        return row;
    }

    /** Medians of each step, in the order they happen; a rollback has no stage step. */
    private static String steps(Timing[] timings) {
        long stage = median(timings, Timing::stage);
        return median(timings, Timing::claim) + " | " + (stage < 0 ? "–" : stage) + " | "
                + median(timings, Timing::activate) + " | " + median(timings, Timing::served);
    }

    /** From the INSERT to every node answering with {@code version}, and the recorded steps. */
    private static Timing timed(Registry registry, Predictor predictor, List<TestNodes.Node> nodes, long serviceId,
            String service, String kind, int version, List<Long> targets) {
        long start = System.nanoTime();
        long id = registry.deploy(serviceId, kind, version, targets);
        Set<TestNodes.Node> waiting = new LinkedHashSet<>(nodes);
        String expected = Integer.toString(version);
        while (!waiting.isEmpty()) {
            waiting.removeIf(node -> expected.equals(predictor.version(node.baseUrl(), service)));
            if (System.nanoTime() - start > 120_000_000_000L) {
                throw new IllegalStateException("deployment " + id + " not served after 120 s: "
                        + registry.deployment(id));
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        String status = registry.status(id);
        while (!status.equals("SUCCEEDED")) { // every node answers; the final write follows within milliseconds
            if (!status.equals("ACTIVATING")) {
                throw new IllegalStateException("deployment " + id + " ended " + registry.deployment(id));
            }
            status = registry.status(id);
        }
        Map<String, Object> steps = registry.jdbc.queryForMap("""
                SELECT extract(epoch FROM d.started_at - d.requested_at) * 1000 AS claim,
                       extract(epoch FROM max(t.staged_at) - d.started_at) * 1000 AS stage,
                       extract(epoch FROM max(t.activated_at) - coalesce(max(t.staged_at), d.started_at)) * 1000
                           AS activate
                FROM deployment d JOIN deployment_target t ON t.deployment_id = d.id
                WHERE d.id = ? GROUP BY d.id""", id);
        return new Timing(millis, millis(steps.get("claim")), millis(steps.get("stage")),
                millis(steps.get("activate")));
    }

    private static long millis(Object value) {
        return value == null ? -1 : Math.round(((Number) value).doubleValue());
    }

    private static String runs(Timing[] timings, ToLongFunction<Timing> step) {
        return Arrays.toString(Arrays.stream(timings).mapToLong(step).toArray());
    }

    private static long median(Timing[] timings, ToLongFunction<Timing> step) {
        long[] sorted = Arrays.stream(timings).mapToLong(step).sorted().toArray();
        return sorted[sorted.length / 2];
    }
}
