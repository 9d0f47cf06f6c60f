package io.rtml.deployer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.deployer.support.Deployers;
import io.rtml.deployer.support.FaultProxy;
import io.rtml.deployer.support.Predictor;
import io.rtml.deployer.support.Registry;
import io.rtml.deployer.support.TestNodes;
import io.rtml.deployment.WavePlan;
import io.rtml.deployment.WavePlan.Wave;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Fleets on real nodes: waves with an abort threshold, the {@code converge} offline policy, and
 * continuous deployment to a target that starts matching a service's selector.
 */
class FleetTest {

    static final Duration PROBE_INTERVAL = Duration.ofMillis(500);

    static TestNodes.Node hub;
    static TestNodes.Node eu;
    static TestNodes.Node us;
    static FaultProxy usProxy;
    static long hubId;
    static long euId;
    static long usId;
    static String hubName;
    static String euName;
    static ConfigurableApplicationContext deployer;
    static Registry registry;
    static final Predictor predictor = new Predictor();

    @BeforeAll
    static void start() throws Exception {
        hub = TestNodes.hub("hub");
        eu = TestNodes.edge("edge-eu");
        us = TestNodes.edge("edge-us");
        usProxy = new FaultProxy(us.baseUrl());
        deployer = Deployers.start("fleet", Map.of("rtml.deployer.reconcile-interval", PROBE_INTERVAL.toMillis() + "ms"));
        registry = new Registry(deployer.getBean(S3Client.class));
        hubName = Registry.unique("hub");
        euName = Registry.unique("eu");
        hubId = registry.target(hubName, "HUB", hub.baseUrl());
        euId = registry.target(euName, "EDGE", eu.baseUrl(), "{\"canary\":\"true\"}");
        usId = registry.target(Registry.unique("us"), "EDGE", usProxy.baseUrl());
    }

    @AfterAll
    static void stop() {
        deployer.close();
        usProxy.close();
        hub.close();
        eu.close();
        us.close();
    }

    @Test
    void aWaveAbortedPastItsThresholdLeavesEveryNodeOnThePreviousVersion() {
        String service = Registry.unique("aborted");
        long serviceId = DeploymentFlowTest.newService(registry, service);
        DeploymentFlowTest.awaitFinal(registry, registry.deploy(serviceId, "DEPLOY", 1, List.of(hubId, euId, usId)),
                "SUCCEEDED");
        usProxy.refuseActivate(true);
        long deployment;
        try {
            deployment = registry.deploy(serviceId, 2, List.of(hubId, euId, usId), new WavePlan(List.of(
                    new Wave("kind=hub", null, null), new Wave("canary=true", null, null), new Wave(null, 100, null)),
                    0, 0, WavePlan.FAIL));
            DeploymentFlowTest.awaitFinal(registry, deployment, "FAILED");
        } finally {
            usProxy.refuseActivate(false);
        }
        for (TestNodes.Node node : List.of(hub, eu, us)) {
            assertThat(predictor.version(node.baseUrl(), service)).as(node.name).isEqualTo("1");
        }
        assertThat((String) registry.deployment(deployment).get("error"))
                .startsWith("wave 3 of 3 (100%): 1 of 3 targets failed, past maxFailedPercent 0")
                .contains("the 2 targets already switched went back to their previous version");
        assertThat(registry.jdbc.queryForList("""
                SELECT wave || ':' || status FROM deployment_target WHERE deployment_id = ? ORDER BY target_id""",
                String.class, deployment)).containsExactly("0:REVERTED", "1:REVERTED", "2:FAILED");
        assertThat(registry.serviceTargets(serviceId)).allSatisfy(row ->
                assertThat(row.get("active_version")).isEqualTo(1));
    }

    @Test
    void failuresWithinTheThresholdLeaveTheFailedTargetBehindAndTheRestSwitched() {
        String service = Registry.unique("tolerated");
        long serviceId = DeploymentFlowTest.newService(registry, service);
        DeploymentFlowTest.awaitFinal(registry, registry.deploy(serviceId, "DEPLOY", 1, List.of(hubId, euId, usId)),
                "SUCCEEDED");
        usProxy.refuseActivate(true);
        long deployment;
        try {
            deployment = registry.deploy(serviceId, 2, List.of(hubId, euId, usId), new WavePlan(List.of(
                    new Wave(null, 34, null), new Wave(null, 100, null)), 0, 34, WavePlan.FAIL));
            DeploymentFlowTest.awaitFinal(registry, deployment, "SUCCEEDED");
        } finally {
            usProxy.refuseActivate(false);
        }
        assertThat(predictor.version(hub.baseUrl(), service)).isEqualTo("2");
        assertThat(predictor.version(eu.baseUrl(), service)).isEqualTo("2");
        assertThat(predictor.version(us.baseUrl(), service)).isEqualTo("1");
        assertThat((String) registry.deployment(deployment).get("error"))
                .isEqualTo("1 of 3 targets did not switch, within maxFailedPercent 34");
        assertThat(registry.serviceTargets(serviceId)).extracting(row -> row.get("active_version"))
                .containsExactly(2, 2, 1);
    }

    @Test
    void underConvergeAnEdgeThatIsDownIsLeftPendingAndConvergesWithinOneProbeIntervalOfItsReturn() {
        String service = Registry.unique("converge");
        long serviceId = DeploymentFlowTest.newService(registry, service);
        try (TestNodes.Node down = TestNodes.edge("edge-down")) {
            long downId = registry.target(Registry.unique("down"), "EDGE", down.baseUrl());
            down.stop();

            long deployment = registry.deploy(serviceId, 1, List.of(hubId, euId, downId),
                    WavePlan.single(0, WavePlan.CONVERGE));
            DeploymentFlowTest.awaitFinal(registry, deployment, "SUCCEEDED");
            assertThat(predictor.version(hub.baseUrl(), service)).isEqualTo("1");
            assertThat(predictor.version(eu.baseUrl(), service)).isEqualTo("1");
            Map<String, Object> pending = registry.jdbc.queryForMap(
                    "SELECT * FROM deployment_target WHERE deployment_id = ? AND target_id = ?", deployment, downId);
            assertThat(pending.get("status")).isEqualTo("PENDING");
            // refused when called, or not called at all once a probe round marked it DOWN (FleetConvergeTest)
            assertThat((String) pending.get("error")).containsPattern(
                    "^(unreachable|marked DOWN by the health probes), left to converge when it answers");
            assertThat(pending.get("converged_at")).isNull();

            down.restartEmpty();
            long back = System.nanoTime();
            // one probe interval, plus the stage itself (download, load, warm-up) on this loaded machine
            await().atMost(PROBE_INTERVAL.plusSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> "1".equals(predictor.version(down.baseUrl(), service)));
            Duration took = Duration.ofNanos(System.nanoTime() - back);
            System.out.println("converged " + took.toMillis() + " ms after the edge returned");
            await().atMost(Duration.ofSeconds(5)).until(() -> registry.jdbc.queryForObject(
                    "SELECT converged_at IS NOT NULL FROM deployment_target WHERE deployment_id = ? AND target_id = ?",
                    Boolean.class, deployment, downId));
            assertThat(registry.jdbc.queryForObject("SELECT status FROM deployment_target WHERE deployment_id = ?"
                    + " AND target_id = ?", String.class, deployment, downId)).isEqualTo("ACTIVE");
            assertThat(registry.jdbc.queryForObject("SELECT active_version FROM service_target WHERE service_id = ?"
                    + " AND target_id = ?", Integer.class, serviceId, downId)).isEqualTo(1);
        }
    }

    @Test
    void aRollbackUnderConvergeSucceedsOnTheEdgesThatAnswerAndTheDownEdgeConvergesWhenItReturns() {
        String service = Registry.unique("rollback");
        long serviceId = DeploymentFlowTest.newService(registry, service);
        try (TestNodes.Node down = TestNodes.edge("edge-rb")) {
            long downId = registry.target(Registry.unique("rb"), "EDGE", down.baseUrl());
            List<Long> fleet = List.of(hubId, euId, downId);
            DeploymentFlowTest.awaitFinal(registry, registry.deploy(serviceId, "DEPLOY", 1, fleet), "SUCCEEDED");
            DeploymentFlowTest.awaitFinal(registry, registry.deploy(serviceId, "DEPLOY", 2, fleet), "SUCCEEDED");
            down.stop();

            // without a policy a rollback stays all or nothing: the edge that is down fails it, the others go back
            long refused = registry.rollback(serviceId, 1, fleet, null);
            DeploymentFlowTest.awaitFinal(registry, refused, "ROLLED_BACK");
            assertThat(predictor.version(hub.baseUrl(), service)).isEqualTo("2");
            assertThat(predictor.version(eu.baseUrl(), service)).isEqualTo("2");

            long rollback = registry.rollback(serviceId, 1, fleet, WavePlan.CONVERGE);
            DeploymentFlowTest.awaitFinal(registry, rollback, "SUCCEEDED");
            assertThat(predictor.version(hub.baseUrl(), service)).isEqualTo("1");
            assertThat(predictor.version(eu.baseUrl(), service)).isEqualTo("1");
            Map<String, Object> pending = registry.jdbc.queryForMap(
                    "SELECT * FROM deployment_target WHERE deployment_id = ? AND target_id = ?", rollback, downId);
            assertThat(pending.get("status")).isEqualTo("PENDING");
            // refused when called, or not called at all once a probe round marked it DOWN (FleetConvergeTest)
            assertThat((String) pending.get("error")).containsPattern(
                    "^(unreachable|marked DOWN by the health probes), left to converge when it answers");
            assertThat(registry.jdbc.queryForObject("SELECT desired_version FROM service_target WHERE service_id = ?"
                    + " AND target_id = ?", Integer.class, serviceId, downId)).isEqualTo(1);

            down.restartEmpty();
            await().atMost(PROBE_INTERVAL.plusSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> "1".equals(predictor.version(down.baseUrl(), service)));
            await().atMost(Duration.ofSeconds(5)).until(() -> registry.jdbc.queryForObject(
                    "SELECT converged_at IS NOT NULL FROM deployment_target WHERE deployment_id = ? AND target_id = ?",
                    Boolean.class, rollback, downId));
            assertThat(registry.serviceTargets(serviceId)).extracting(row -> row.get("active_version"))
                    .containsOnly(1);
        }
    }

    @Test
    void aTargetAddedWithMatchingLabelsIsServedTheActiveVersionWithoutANewRequest() {
        String service = Registry.unique("follows");
        long serviceId = DeploymentFlowTest.newService(registry, service);
        registry.follow(serviceId, "tier=store");
        DeploymentFlowTest.awaitFinal(registry, registry.deploy(serviceId, "DEPLOY", 2, List.of(hubId)), "SUCCEEDED");
        try (TestNodes.Node store = TestNodes.edge("edge-store"); TestNodes.Node other = TestNodes.edge("edge-other")) {
            long otherId = registry.target(Registry.unique("other"), "EDGE", other.baseUrl(), "{\"tier\":\"lab\"}");
            long storeId = registry.target(Registry.unique("store"), "EDGE", store.baseUrl(), "{\"tier\":\"store\"}");

            await().atMost(PROBE_INTERVAL.plusSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> "2".equals(predictor.version(store.baseUrl(), service)));
            Map<String, Object> continuous = registry.jdbc.queryForMap("""
                    SELECT d.* FROM deployment d JOIN deployment_target dt ON dt.deployment_id = d.id
                    WHERE d.service_id = ? AND dt.target_id = ?""", serviceId, storeId);
            assertThat((String) continuous.get("cause")).contains("matches the service's selector 'tier=store'");
            assertThat((String) continuous.get("requested_by")).isEqualTo("deployer:fleet");
            DeploymentFlowTest.awaitFinal(registry, (Long) continuous.get("id"), "SUCCEEDED");
            assertThat(predictor.infer(other.baseUrl(), service).status()).as("not selected").isEqualTo(404);
            assertThat(registry.count("SELECT count(*) FROM service_target WHERE service_id = ? AND target_id = ?",
                    serviceId, otherId)).isZero();

            // its labels change: now it matches too
            registry.jdbc.update("UPDATE target SET labels = '{\"tier\":\"store\"}', updated_at = now() WHERE id = ?",
                    otherId);
            await().atMost(PROBE_INTERVAL.plusSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> "2".equals(predictor.version(other.baseUrl(), service)));
            assertThat(registry.count("SELECT count(*) FROM deployment WHERE service_id = ?", serviceId))
                    .as("one request, two continuous deployments").isEqualTo(3);
        }
    }
}
