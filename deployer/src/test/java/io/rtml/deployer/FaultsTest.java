package io.rtml.deployer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.deployer.job.DeploymentMetrics;
import io.rtml.deployer.support.Deployers;
import io.rtml.deployer.support.FaultProxy;
import io.rtml.deployer.support.Predictor;
import io.rtml.deployer.support.Registry;
import io.rtml.deployer.support.TestNodes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A node down during staging, a node dying mid-stage, a node refusing activation, a node restarted
 * empty, a rollback to a version a node no longer holds.
 */
class FaultsTest {

    static TestNodes.Node hub;
    static TestNodes.Node eu;
    static TestNodes.Node us;
    static FaultProxy usProxy;
    static long hubId;
    static long euId;
    static long usId;
    static ConfigurableApplicationContext deployer;
    static Registry registry;
    static final Predictor predictor = new Predictor();

    @BeforeAll
    static void start() throws Exception {
        hub = TestNodes.hub("hub");
        eu = TestNodes.edge("edge-eu");
        us = TestNodes.edge("edge-us");
        usProxy = new FaultProxy(us.baseUrl());
        // Stage and call timeouts are the defaults (5 min, 10 s): a dead node must not make anything wait for them.
        deployer = Deployers.start("faults", Map.of("rtml.deployer.reconcile-interval", "300ms"));
        registry = new Registry(deployer.getBean(S3Client.class));
        hubId = registry.target(Registry.unique("hub"), "HUB", hub.baseUrl());
        euId = registry.target(Registry.unique("eu"), "EDGE", eu.baseUrl());
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
    void anEdgeDownDuringStagingFailsTheDeploymentAndActivatesNothing() {
        String service = Registry.unique("down");
        long serviceId = DeploymentFlowTest.newService(registry, service);
        try (TestNodes.Node flaky = TestNodes.edge("edge-flaky")) {
            long flakyId = registry.target(Registry.unique("flaky"), "EDGE", flaky.baseUrl());
            List<Long> targets = List.of(hubId, euId, flakyId);
            awaitFinal(registry.deploy(serviceId, "DEPLOY", 1, targets), "SUCCEEDED");
            flaky.stop();

            long upgrade = registry.deploy(serviceId, "DEPLOY", 2, targets);
            awaitFinal(upgrade, "FAILED");

            assertThat(predictor.version(hub.baseUrl(), service)).isEqualTo("1");
            assertThat(predictor.version(eu.baseUrl(), service)).isEqualTo("1");
            assertThat(registry.targetStatuses(upgrade)).containsExactly("STAGED", "STAGED", "FAILED");
            assertThat((String) registry.deployment(upgrade).get("error"))
                    .startsWith("staging failed, nothing was activated: flaky-").contains("ConnectException");
            assertThat(registry.serviceTargets(serviceId)).allSatisfy(row ->
                    assertThat(row.get("active_version")).isEqualTo(1));
            assertThat(registry.audits(service, "deployment.failed")).isEqualTo(1);
        }
    }

    @Test
    void aNodeThatDiesMidStageFailsTheDeploymentInSecondsNotAfterTheStageTimeout() throws Exception {
        DeployerProperties settings = deployer.getBean(DeployerProperties.class);
        assertThat(settings.stageTimeout()).isEqualTo(Duration.ofMinutes(5));
        String service = Registry.unique("dies");
        long serviceId = DeploymentFlowTest.newService(registry, service);
        try (TestNodes.Node doomed = TestNodes.edge("edge-doomed"); FaultProxy link = new FaultProxy(doomed.baseUrl())) {
            long doomedId = registry.target(Registry.unique("doomed"), "EDGE", link.baseUrl());
            List<Long> targets = List.of(hubId, euId, doomedId);
            awaitFinal(registry.deploy(serviceId, "DEPLOY", 1, targets), "SUCCEEDED");

            link.holdStages();
            long upgrade = registry.deploy(serviceId, "DEPLOY", 2, targets);
            assertThat(link.awaitStageArrived(30)).isTrue();
            // The node dies while its stage call is open, and its host answers nothing any more (no FIN, no RST).
            long diedAt = System.nanoTime();
            doomed.stop();
            link.goSilent();

            awaitFinal(upgrade, "FAILED");
            Duration failedAfter = Duration.ofNanos(System.nanoTime() - diedAt);
            assertThat(failedAfter).as("stage-wait + call-timeout, not stage-timeout")
                    .isLessThan(settings.stageWait().plus(settings.callTimeout()).plusSeconds(5));
            assertThat((String) registry.deployment(upgrade).get("error"))
                    .startsWith("staging failed, nothing was activated: doomed-").contains("HttpTimeoutException");
            assertThat(registry.targetStatuses(upgrade)).containsExactly("STAGED", "STAGED", "FAILED");
            assertThat(predictor.version(hub.baseUrl(), service)).isEqualTo("1");
            assertThat(predictor.version(eu.baseUrl(), service)).isEqualTo("1");
        }
    }

    @Test
    void anEdgeThatFailsActivationMakesTheOthersRevert() {
        String service = Registry.unique("revert");
        long serviceId = DeploymentFlowTest.newService(registry, service);
        List<Long> targets = List.of(hubId, euId, usId);
        awaitFinal(registry.deploy(serviceId, "DEPLOY", 1, targets), "SUCCEEDED");

        usProxy.refuseActivate(true);
        try {
            long upgrade = registry.deploy(serviceId, "DEPLOY", 2, targets);
            awaitFinal(upgrade, "ROLLED_BACK");
            assertThat(registry.targetStatuses(upgrade)).containsExactly("REVERTED", "REVERTED", "FAILED");
            assertThat((String) registry.deployment(upgrade).get("error"))
                    .startsWith("activation failed, the other targets were reverted: us-")
                    .contains("503 node going down");
        } finally {
            usProxy.refuseActivate(false);
        }
        for (TestNodes.Node node : List.of(hub, eu, us)) {
            assertThat(predictor.version(node.baseUrl(), service)).as(node.name).isEqualTo("1");
        }
        assertThat(registry.serviceTargets(serviceId)).allSatisfy(row ->
                assertThat(row.get("active_version")).isEqualTo(1));
        assertThat(registry.audits(service, "deployment.rolled_back")).isEqualTo(1);
    }

    @Test
    void aNodeRestartedEmptyIsReconciledToItsDesiredVersion() {
        String service = Registry.unique("drift");
        long serviceId = DeploymentFlowTest.newService(registry, service);
        awaitFinal(registry.deploy(serviceId, "DEPLOY", 2, List.of(hubId, euId)), "SUCCEEDED");

        eu.restartEmpty();

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> "2".equals(predictor.version(eu.baseUrl(), service)));
        assertThat(predictor.version(hub.baseUrl(), service)).isEqualTo("2");
        Map<String, Object> target = registry.jdbc.queryForMap("SELECT health, last_seen_at FROM target WHERE id = ?",
                euId);
        assertThat(target.get("health")).isEqualTo("UP");
        assertThat(target.get("last_seen_at")).isNotNull();
    }

    @Test
    void aRollbackToAVersionANodeNoLongerHoldsStagesItThereFirst() {
        String service = Registry.unique("forgot");
        long serviceId = DeploymentFlowTest.newService(registry, service);
        DeploymentMetrics metrics = deployer.getBean(DeploymentMetrics.class);
        try (TestNodes.Node forgetful = TestNodes.edge("edge-forgetful")) {
            List<Long> targets = List.of(hubId, euId, registry.target(Registry.unique("forgetful"), "EDGE",
                    forgetful.baseUrl()));
            awaitFinal(registry.deploy(serviceId, "DEPLOY", 1, targets), "SUCCEEDED");
            awaitFinal(registry.deploy(serviceId, "DEPLOY", 2, targets), "SUCCEEDED");
            forgetful.restartEmpty(); // reconciliation gives it version 2 back, not its standby version 1
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .until(() -> "2".equals(predictor.version(forgetful.baseUrl(), service)));
            double downloads = metrics.stagesWithDownload();

            long rollback = registry.deploy(serviceId, "ROLLBACK", 1, targets);
            awaitFinal(rollback, "SUCCEEDED");

            for (String node : List.of(hub.baseUrl(), eu.baseUrl(), forgetful.baseUrl())) {
                assertThat(predictor.version(node, service)).as(node).isEqualTo("1");
            }
            assertThat(registry.targetStatuses(rollback)).containsOnly("ACTIVE");
            assertThat(metrics.stagesWithDownload()).as("only the node that lost version 1").isEqualTo(downloads + 1);
        }
    }

    @Test
    void aTargetWithABrokenUrlFailsOnlyItselfAndTheRoundStillReachesEveryOtherTarget() {
        // As an older registry could have stored it, or a hand-written row: not a URL at all.
        long broken = registry.target(Registry.unique("broken"), "EDGE", "http://bad host:99999/x y");
        String service = Registry.unique("brokenurl");
        long serviceId = DeploymentFlowTest.newService(registry, service);
        try (TestNodes.Node late = TestNodes.edge("edge-late")) {
            long lateId = registry.target(Registry.unique("late"), "EDGE", late.baseUrl());
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> "UP".equals(
                    registry.jdbc.queryForObject("SELECT health FROM target WHERE id = ?", String.class, lateId)));
            awaitFinal(registry.deploy(serviceId, "DEPLOY", 1, List.of(hubId, lateId)), "SUCCEEDED");

            late.restartEmpty();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .until(() -> "1".equals(predictor.version(late.baseUrl(), service)));

            long toBroken = registry.deploy(serviceId, "DEPLOY", 2, List.of(hubId, broken));
            awaitFinal(toBroken, "FAILED");
            assertThat((String) registry.deployment(toBroken).get("error"))
                    .contains("base URL is not a valid http(s) URL").doesNotContain("bad host");
            assertThat(registry.jdbc.queryForObject("SELECT health FROM target WHERE id = ?", String.class, broken))
                    .isEqualTo("DOWN");
        } finally {
            registry.jdbc.update("DELETE FROM target WHERE id = ?", broken); // its deployment_target rows cascade
        }
    }

    @Test
    void anXmlErrorFromAHostThatIsNoNodeIsSummarisedNotCopied() {
        // A target pointed at the S3 server by mistake: it answers the node calls with S3 XML errors.
        String s3 = io.rtml.testing.TestS3.server().endpoint().toString();
        long notANode = registry.target(Registry.unique("s3"), "EDGE", s3);
        String service = Registry.unique("xml");
        long serviceId = DeploymentFlowTest.newService(registry, service);
        try {
            long deployment = registry.deploy(serviceId, "DEPLOY", 1, List.of(hubId, notANode));
            awaitFinal(deployment, "FAILED");

            String error = (String) registry.deployment(deployment).get("error");
            assertThat(error).startsWith("staging failed, nothing was activated: s3-").contains("POST /admin/v1/stage answered")
                    .doesNotContain("<", "\n", "RequestId").hasSizeLessThan(400);
            String targetError = registry.jdbc.queryForObject(
                    "SELECT error FROM deployment_target WHERE deployment_id = ? AND target_id = ?", String.class,
                    deployment, notANode);
            assertThat(targetError).doesNotContain("<", "\n").hasSizeLessThan(300);
        } finally {
            registry.jdbc.update("DELETE FROM target WHERE id = ?", notANode); // its deployment_target rows cascade
        }
    }

    @Test
    void whatANodeHoldsIsRecordedForTheGallery() {
        String service = Registry.unique("held");
        long serviceId = DeploymentFlowTest.newService(registry, service);
        long model = registry.jdbc.queryForObject("SELECT model_id FROM service WHERE id = ?", Long.class, serviceId);
        registry.version(model, 3, Registry.mnistVersion(3));
        for (int version = 1; version <= 3; version++) {
            awaitFinal(registry.deploy(serviceId, "DEPLOY", version, List.of(hubId)), "SUCCEEDED");
        }

        // The node keeps the active version and two standby ones (rtml.scoring.standby-versions = 2).
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> "[3, 2, 1]".equals(
                registry.jdbc.queryForObject("SELECT held_versions::text FROM service_target"
                        + " WHERE service_id = ? AND target_id = ?", String.class, serviceId, hubId)));
    }

    static void awaitFinal(long deploymentId, String expected) {
        DeploymentFlowTest.awaitFinal(registry, deploymentId, expected);
    }
}
