package io.rtml.deployer.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.deployer.support.CountingRelay;
import io.rtml.deployer.support.Deployers;
import io.rtml.deployer.support.Registry;
import io.rtml.deployer.support.StatementCounter;
import io.rtml.deployer.support.TestNodes;
import io.rtml.deployer.node.NodeClient;
import io.rtml.deployer.node.NodeState;
import io.rtml.deployer.node.NodeTarget;
import java.lang.management.ManagementFactory;
import java.sql.Timestamp;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The deployer at fleet scale, against real nodes: one connection per node however many calls go
 * to it, and a probe round over 1,000 targets with neither a thread nor a database round trip per
 * target.
 */
class FleetScaleTest {

    static final StatementCounter statements = new StatementCounter();
    static List<TestNodes.Node> nodes = new ArrayList<>();
    static List<CountingRelay> relays = new ArrayList<>();
    static ConfigurableApplicationContext deployer;
    static Registry registry;

    @BeforeAll
    static void start() throws Exception {
        for (int i = 0; i < 4; i++) {
            TestNodes.Node node = i == 0 ? TestNodes.hub("scale-hub") : TestNodes.edge("scale-edge-" + i);
            nodes.add(node);
            relays.add(new CountingRelay(node.port()));
        }
        // Fewer calls in flight than targets: the fan-outs queue, and still one socket per node.
        deployer = Deployers.start("scale", Map.of("rtml.deployer.max-calls-in-flight", "3"), statements.initializer());
        registry = new Registry(deployer.getBean(S3Client.class));
    }

    @AfterAll
    static void stop() throws Exception {
        deployer.close();
        for (CountingRelay relay : relays) {
            relay.close();
        }
        nodes.forEach(TestNodes.Node::close);
    }

    @Test
    void eachNodeKeepsOneConnectionThroughDeploymentsRollbacksAndProbeRounds() {
        List<Long> targets = new ArrayList<>();
        for (CountingRelay relay : relays) {
            targets.add(registry.target(Registry.unique("relayed"), targets.isEmpty() ? "HUB" : "EDGE",
                    relay.baseUrl()));
        }
        long model = registry.model(Registry.unique("scale-model"));
        registry.version(model, 1, Registry.mnistVersion(1));
        registry.version(model, 2, Registry.mnistVersion(2));
        long service = registry.service(Registry.unique("scale"), model);

        awaitSucceeded(registry.deploy(service, "DEPLOY", 1, targets));
        awaitSucceeded(registry.deploy(service, "DEPLOY", 2, targets));
        awaitSucceeded(registry.deploy(service, "ROLLBACK", 1, targets));
        TargetWatcher watcher = deployer.getBean(TargetWatcher.class);
        watcher.tick();
        watcher.tick();

        assertThat(relays).allSatisfy(relay -> assertThat(relay.accepted()).isEqualTo(1));
        assertThat(registry.count("SELECT count(*) FROM target WHERE id = ANY(?) AND health = 'UP'",
                (Object) targets.toArray(Long[]::new))).isEqualTo(targets.size());
    }

    @Test
    void aProbeRoundOverAThousandTargetsCostsTheSameStatementsAndThreadsAsOverTen() {
        List<Long> fleet = new ArrayList<>();
        addTargets(fleet, 10);
        TargetWatcher watcher = deployer.getBean(TargetWatcher.class);
        watcher.tick(); // connections and threads made once
        Round ten = round(watcher);
        addTargets(fleet, 990);

        Round thousand = round(watcher);

        assertThat(thousand.statements()).isEqualTo(ten.statements()).isLessThanOrEqualTo(6);
        // Nor on any other thread: the calls' callbacks (a probe's state call is chained on its readiness).
        assertThat(thousand.otherStatements()).isZero();
        // Room for a JVM's own comings and goings; a thread per target, or per call in flight, is far beyond it.
        assertThat(thousand.newThreads()).isLessThan(30);
        assertThat(registry.count("SELECT count(*) FROM target WHERE id = ANY(?) AND health = 'UP'"
                + " AND last_seen_at > now() - interval '1 minute'", (Object) fleet.toArray(Long[]::new)))
                .isEqualTo(1000);
    }

    /**
     * A deployment's fan-out makes no database round trip per target, on any thread: the job's
     * statements (read the job, record each step, end) are the same for forty targets as for four.
     */
    @Test
    void aDeploymentAndARollbackToFortyTargetsPrepareAsManyStatementsAsToFour() {
        long model = registry.model(Registry.unique("fanout-model"));
        registry.version(model, 1, Registry.mnistVersion(1));
        registry.version(model, 2, Registry.mnistVersion(2));
        long four = jobStatements(model, 4);
        long forty = jobStatements(model, 40);

        assertThat(forty).isEqualTo(four);
    }

    /** Statements on the job's and every other thread but the scheduler's, for a deploy of v2 and a rollback. */
    private static long jobStatements(long model, int count) {
        List<Long> targets = new ArrayList<>();
        for (int i = 0; i < count; i++) { // spread over the four real nodes, each under its own name
            targets.add(registry.target(Registry.unique("fanout"), i == 0 ? "HUB" : "EDGE",
                    nodes.get(i % 4).baseUrl()));
        }
        long service = registry.service(Registry.unique("fanout"), model);
        awaitSucceeded(registry.deploy(service, "DEPLOY", 1, targets));
        long before = statements.countWhere(FleetScaleTest::other);
        awaitSucceeded(registry.deploy(service, "DEPLOY", 2, targets));
        awaitSucceeded(registry.deploy(service, "ROLLBACK", 1, targets));
        return statements.countWhere(FleetScaleTest::other) - before;
    }

    @Test
    void aRoundLeavesAPlacementDeployedSinceItBeganToTheNextRound() {
        TestNodes.Node node = nodes.get(3);
        String name = Registry.unique("drift");
        long targetId = registry.target(name, "EDGE", node.baseUrl());
        long model = registry.model(Registry.unique("drift-model"));
        registry.version(model, 1, Registry.mnistVersion(1));
        String service = Registry.unique("drift");
        long serviceId = registry.service(service, model);
        Timestamp roundBegan = registry.jdbc.queryForObject("SELECT now()", Timestamp.class);
        awaitSucceeded(registry.deploy(serviceId, "DEPLOY", 1, List.of(targetId)));
        node.restartEmpty();
        NodeTarget target = new NodeTarget(targetId, name, node.baseUrl(), null, null);
        NodeState readEmpty = new NodeState(Map.of(), Map.of());
        DriftRepair repair = deployer.getBean(DriftRepair.class);
        NodeClient client = deployer.getBean(NodeClient.class);

        // A state read in a round that began before the deployment may predate it: not acted on.
        repair.repair(Map.of(target, readEmpty), roundBegan);
        assertThat(client.state(target).join().activeVersion(service)).isNull();

        repair.repair(Map.of(target, readEmpty), registry.jdbc.queryForObject("SELECT now()", Timestamp.class));
        assertThat(client.state(target).join().activeVersion(service)).isEqualTo(1);
    }

    private record Round(long statements, int newThreads, long otherStatements) {}

    /** Every thread but this test's and the scheduler's (the queue poll and lease renewals go on beside). */
    private static boolean other(String thread) {
        return !thread.equals(Thread.currentThread().getName()) && !thread.startsWith("deployer-sched-");
    }

    /** One probe round: the statements it prepared, and the most threads alive during it beyond those before. */
    private static Round round(TargetWatcher watcher) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int before = threads.getThreadCount();
        threads.resetPeakThreadCount();
        long statementsBefore = statements.count(Thread.currentThread());
        long othersBefore = statements.countWhere(FleetScaleTest::other);
        long start = System.nanoTime();
        watcher.tick();
        System.out.printf("probe round: %d ms%n", (System.nanoTime() - start) / 1_000_000);
        return new Round(statements.count(Thread.currentThread()) - statementsBefore,
                threads.getPeakThreadCount() - before, statements.countWhere(FleetScaleTest::other) - othersBefore);
    }

    /** Targets spread over the four real nodes, each under its own name. */
    private static void addTargets(List<Long> fleet, int count) {
        for (int i = 0; i < count; i++) {
            fleet.add(registry.target(Registry.unique("fleet"), "EDGE", nodes.get(fleet.size() % 4).baseUrl()));
        }
    }

    private static void awaitSucceeded(long deploymentId) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> List.of("SUCCEEDED", "FAILED", "ROLLED_BACK").contains(registry.status(deploymentId)));
        assertThat(registry.status(deploymentId)).as("deployment %s: %s", deploymentId,
                registry.deployment(deploymentId).get("error")).isEqualTo("SUCCEEDED");
    }
}
