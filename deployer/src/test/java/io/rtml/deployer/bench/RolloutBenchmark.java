package io.rtml.deployer.bench;

import io.rtml.deployer.support.Deployers;
import io.rtml.deployer.support.GatherModel;
import io.rtml.deployer.support.Load;
import io.rtml.deployer.support.Registry;
import io.rtml.deployer.support.TestNodes;
import io.rtml.deployment.Rollout;
import io.rtml.deployment.RolloutState;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Time from a guardrail breach to every target back on the stable version, on a hub and 2 edges
 * (real scoring nodes in this JVM), one real deployer with its default settings, real PostgreSQL and
 * s3proxy. Each run: a fresh service at version 1, a canary of a version 2 that fails 20% of its
 * requests ([50, 100], 1 s bake), one client per node predicting without pause. Measured from the
 * deployer's ROLL_BACK decision (the moment it took the window that crossed the limit) to (a) the
 * deployment's end as recorded (every node answered the DELETE of the split) and (b) the last answer
 * any client got from version 2. Prints the runs and the medians.
 *
 * <pre>./mvnw -q -f deployer/pom.xml test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.rtml.deployer.bench.RolloutBenchmark [-Dexec.args="7"]</pre>
 */
public final class RolloutBenchmark {

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        List<TestNodes.Node> nodes = List.of(TestNodes.hub("bench-hub"), TestNodes.edge("bench-eu"),
                TestNodes.edge("bench-us"));
        ConfigurableApplicationContext deployer = Deployers.start("rollout-bench",
                Map.of("rtml.deployer.poll-interval", "50ms", "rtml.deployer.lease", "10s",
                        "logging.level.io.rtml", "WARN"));
        try {
            Registry registry = new Registry(deployer.getBean(S3Client.class));
            List<Long> targets = new ArrayList<>();
            for (TestNodes.Node node : nodes) {
                targets.add(registry.target(Registry.unique(node.name), node.name.equals("bench-hub") ? "HUB" : "EDGE",
                        node.baseUrl()));
            }
            List<Long> recorded = new ArrayList<>();
            List<Long> lastCandidate = new ArrayList<>();
            System.out.println("| run | decision → recorded end (ms) | decision → last v2 answer (ms) | v2 error ratio |");
            System.out.println("|---|---|---|---|");
            for (int run = 1; run <= runs; run++) {
                String service = Registry.unique("bench-rollout");
                long model = registry.model(service + "-model");
                registry.version(model, 1, GatherModel.bytes(20, 0, "stable"));
                registry.version(model, 2, GatherModel.bytes(16, 0, "short-table"));
                long serviceId = registry.service(service, model);
                awaitFinal(registry, registry.deploy(serviceId, "DEPLOY", 1, targets));
                long id;
                Instant lastV2;
                try (Load load = new Load(service, nodes.stream().map(TestNodes.Node::baseUrl).toList())) {
                    id = registry.deploy(serviceId, 2, targets, new Rollout("canary", List.of(50, 100), null, 1, null,
                            null, new Rollout.Guardrails(0.05, null, null, 20L)));
                    String status = awaitFinal(registry, id);
                    if (!status.equals("ROLLED_BACK")) {
                        throw new IllegalStateException("run " + run + " ended " + status);
                    }
                    Thread.sleep(500); // answers in flight at the rollback arrive
                    lastV2 = load.lastAnswer("2");
                }
                RolloutState.Decision decision = registry.rollout(id).decisions().get(0);
                Instant end = ((Timestamp) registry.deployment(id).get("finished_at")).toInstant();
                long toEnd = Duration.between(decision.at(), end).toMillis();
                long toLast = Duration.between(decision.at(), lastV2).toMillis();
                recorded.add(toEnd);
                lastCandidate.add(toLast);
                System.out.printf("| %d | %d | %d | %.3f |%n", run, toEnd, toLast,
                        decision.measurements().candidate().errorRatio());
            }
            System.out.printf("%nmedian over %d runs: decision → recorded end %d ms; decision → last v2 answer %d ms%n",
                    runs, median(recorded), median(lastCandidate));
        } finally {
            deployer.close();
            nodes.forEach(TestNodes.Node::close);
        }
    }

    private static String awaitFinal(Registry registry, long id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            String status = registry.status(id);
            if (List.of("SUCCEEDED", "FAILED", "ROLLED_BACK", "SHADOWED").contains(status)) {
                return status;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("deployment " + id + " did not end");
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
