package io.rtml.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.deployer.reconcile.ProbeRounds;
import io.rtml.deployer.support.Deployers;
import io.rtml.deployer.support.FaultProxy;
import io.rtml.deployer.support.Predictor;
import io.rtml.deployer.support.Registry;
import io.rtml.deployer.support.TestNodes;
import io.rtml.deployment.WavePlan;
import io.rtml.deployment.WavePlan.Wave;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Fleets on real nodes, the parts of issue 16 that count probe rounds: targets the probes hold DOWN
 * under {@code offline: converge} (left PENDING without a call, converged at the first round after
 * they return), the age of a DOWN mark, UNDEPLOY with an offline policy, and each wave's start and
 * end. The deployer's schedule is too slow to ever fire here (an hour): every probe round is run by
 * hand, so "within one probe interval" is asserted as "by the first round after it returns".
 */
class FleetConvergeTest {

    static TestNodes.Node hub;
    static TestNodes.Node eu;
    static long hubId;
    static long euId;
    static ConfigurableApplicationContext deployer;
    static Registry registry;
    static final Predictor predictor = new Predictor();

    @BeforeAll
    static void start() {
        hub = TestNodes.hub("hub");
        eu = TestNodes.edge("edge-eu");
        deployer = Deployers.start("converge", Map.of("rtml.deployer.reconcile-interval", "1h"));
        registry = new Registry(deployer.getBean(S3Client.class));
        hubId = registry.target(Registry.unique("hub"), "HUB", hub.baseUrl());
        euId = registry.target(Registry.unique("eu"), "EDGE", eu.baseUrl(), "{\"canary\":\"true\"}");
    }

    @AfterAll
    static void stop() {
        deployer.close();
        hub.close();
        eu.close();
    }

    private static Map<String, Object> row(long deployment, long target) {
        return registry.jdbc.queryForMap("SELECT * FROM deployment_target WHERE deployment_id = ? AND target_id = ?",
                deployment, target);
    }

    @Test
    void withOneEdgeDownUnderConvergeTheDeploymentSucceedsOnTheOthersAndTheEdgeConvergesAtTheFirstRoundAfterItReturns() {
        String service = Registry.unique("probed");
        long serviceId = DeploymentFlowTest.newService(registry, service);
        try (TestNodes.Node down = TestNodes.edge("edge-down")) {
            long downId = registry.target(Registry.unique("down"), "EDGE", down.baseUrl());
            down.stop();
            ProbeRounds.tick(deployer);
            assertThat(registry.jdbc.queryForObject("SELECT health FROM target WHERE id = ?", String.class, downId))
                    .isEqualTo("DOWN");

            long deployment = registry.deploy(serviceId, 1, List.of(hubId, euId, downId),
                    WavePlan.single(0, WavePlan.CONVERGE));
            DeploymentFlowTest.awaitFinal(registry, deployment, "SUCCEEDED");

            assertThat(predictor.version(hub.baseUrl(), service)).isEqualTo("1");
            assertThat(predictor.version(eu.baseUrl(), service)).isEqualTo("1");
            Map<String, Object> pending = row(deployment, downId);
            assertThat(pending.get("status")).isEqualTo("PENDING");
            // left by the probes' mark, not by a call that failed: no connect attempt was spent on it
            assertThat((String) pending.get("error")).isEqualTo(
                    "marked DOWN by the health probes, left to converge when it answers (not called)");
            assertThat(pending.get("staged_at")).isNull();
            assertThat(registry.deployment(deployment).get("error")).as("pending is not failed").isNull();
            assertThat(registry.jdbc.queryForObject("SELECT desired_version FROM service_target WHERE service_id = ?"
                    + " AND target_id = ?", Integer.class, serviceId, downId)).isEqualTo(1);

            down.restartEmpty();
            ProbeRounds.tick(deployer); // the first round after it returned

            assertThat(predictor.version(down.baseUrl(), service)).isEqualTo("1");
            Map<String, Object> converged = row(deployment, downId);
            assertThat(converged.get("status")).isEqualTo("ACTIVE");
            assertThat(converged.get("converged_at")).isNotNull();
            assertThat(registry.jdbc.queryForObject("SELECT active_version FROM service_target WHERE service_id = ?"
                    + " AND target_id = ?", Integer.class, serviceId, downId)).isEqualTo(1);
        }
    }

    @Test
    void aDownMarkOlderThanTwoProbeIntervalsIsNotTrustedAndTheTargetIsCalled() {
        String service = Registry.unique("stale");
        long serviceId = DeploymentFlowTest.newService(registry, service);
        // the probes saw it down hours ago and have not looked since (every deployer was stopped, say)
        registry.jdbc.update("UPDATE target SET health = 'DOWN', health_checked_at = now() - interval '3 hours'"
                + " WHERE id = ?", euId);
        try {
            long deployment = registry.deploy(serviceId, 1, List.of(hubId, euId), WavePlan.single(0, WavePlan.CONVERGE));
            DeploymentFlowTest.awaitFinal(registry, deployment, "SUCCEEDED");
            assertThat(row(deployment, euId).get("status")).isEqualTo("ACTIVE");
            assertThat(predictor.version(eu.baseUrl(), service)).isEqualTo("1");
        } finally {
            registry.jdbc.update("UPDATE target SET health = 'UP', health_checked_at = now() WHERE id = ?", euId);
        }
    }

    @Test
    void underTheDefaultPolicyAProbedDownTargetIsStillCalledAndFailsTheDeployment() {
        String service = Registry.unique("strict");
        long serviceId = DeploymentFlowTest.newService(registry, service);
        try (TestNodes.Node down = TestNodes.edge("edge-strict")) {
            long downId = registry.target(Registry.unique("strict"), "EDGE", down.baseUrl());
            down.stop();
            ProbeRounds.tick(deployer);

            long deployment = registry.deploy(serviceId, "DEPLOY", 1, List.of(hubId, euId, downId));
            DeploymentFlowTest.awaitFinal(registry, deployment, "FAILED");
            Map<String, Object> failed = row(deployment, downId);
            assertThat(failed.get("status")).isEqualTo("FAILED");
            assertThat((String) failed.get("error")).as("called, and refused").contains("ConnectException")
                    .doesNotContain("marked DOWN");
            // staged there, never activated: the node does not serve it (503 while only staged)
            assertThat(predictor.infer(hub.baseUrl(), service).status()).as("nothing activated").isNotEqualTo(200);
        }
    }

    @Test
    void eachWaveRecordsItsStartAndEndAndTheBakeLiesBetweenOneWavesEndAndTheNextOnesStart() {
        String service = Registry.unique("timed");
        long serviceId = DeploymentFlowTest.newService(registry, service);
        long deployment = registry.deploy(serviceId, 1, List.of(hubId, euId), new WavePlan(List.of(
                new Wave("kind=hub", null, null), new Wave(null, 100, null)), 1, 0, WavePlan.FAIL));
        DeploymentFlowTest.awaitFinal(registry, deployment, "SUCCEEDED");

        List<Map<String, Object>> waves = registry.jdbc.queryForList(
                "SELECT * FROM deployment_wave WHERE deployment_id = ? ORDER BY wave", deployment);
        assertThat(waves).hasSize(2).allSatisfy(w -> {
            assertThat(w.get("started_at")).isNotNull();
            assertThat(w.get("finished_at")).isNotNull();
            assertThat(((Timestamp) w.get("finished_at"))).isAfterOrEqualTo((Timestamp) w.get("started_at"));
        });
        Timestamp firstEnded = (Timestamp) waves.get(0).get("finished_at");
        Timestamp secondStarted = (Timestamp) waves.get(1).get("started_at");
        // the one-second bake after wave 1 separates them
        assertThat(secondStarted.getTime() - firstEnded.getTime()).isGreaterThanOrEqualTo(1000);
        Timestamp started = (Timestamp) registry.deployment(deployment).get("started_at");
        Timestamp finished = (Timestamp) registry.deployment(deployment).get("finished_at");
        assertThat((Timestamp) waves.get(0).get("started_at")).isAfterOrEqualTo(started);
        assertThat((Timestamp) waves.get(1).get("finished_at")).isBeforeOrEqualTo(finished);
    }

    @Test
    void theWaveThatAbortsEndsWhenItsReversalEndedWithTheDeployment() throws Exception {
        String service = Registry.unique("aborted");
        long serviceId = DeploymentFlowTest.newService(registry, service);
        try (TestNodes.Node us = TestNodes.edge("edge-us"); FaultProxy usProxy = new FaultProxy(us.baseUrl())) {
            long usId = registry.target(Registry.unique("us"), "EDGE", usProxy.baseUrl());
            List<Long> fleet = List.of(hubId, euId, usId);
            DeploymentFlowTest.awaitFinal(registry, registry.deploy(serviceId, "DEPLOY", 1, fleet), "SUCCEEDED");
            usProxy.refuseActivate(true);
            long deployment = registry.deploy(serviceId, 2, fleet, new WavePlan(List.of(
                    new Wave("kind=hub", null, null), new Wave(null, 100, null)), 0, 0, WavePlan.FAIL));
            DeploymentFlowTest.awaitFinal(registry, deployment, "FAILED");

            List<Map<String, Object>> waves = registry.jdbc.queryForList(
                    "SELECT * FROM deployment_wave WHERE deployment_id = ? ORDER BY wave", deployment);
            Timestamp finished = (Timestamp) registry.deployment(deployment).get("finished_at");
            assertThat(waves).hasSize(2);
            // wave 1 ended when its target switched; wave 2 (the one past the threshold) with the
            // deployment's end, in the transaction that recorded the reverted targets
            assertThat((Timestamp) waves.get(0).get("finished_at")).isBefore(finished);
            assertThat(waves.get(1).get("finished_at")).isEqualTo(finished);
            assertThat(registry.targetStatuses(deployment)).contains("REVERTED");
        }
    }

    @Test
    void anUndeployUnderConvergeRemovesTheServiceFromTheOthersAndFromTheEdgeAtTheFirstRoundAfterItReturns() {
        String service = Registry.unique("removed");
        long serviceId = DeploymentFlowTest.newService(registry, service);
        try (TestNodes.Node away = TestNodes.edge("edge-away")) {
            long awayId = registry.target(Registry.unique("away"), "EDGE", away.baseUrl());
            List<Long> fleet = List.of(hubId, euId, awayId);
            DeploymentFlowTest.awaitFinal(registry, registry.deploy(serviceId, "DEPLOY", 1, fleet), "SUCCEEDED");
            away.stop();

            // the default stays all or nothing: nothing is removed anywhere
            long refused = registry.undeploy(serviceId, fleet, false);
            DeploymentFlowTest.awaitFinal(registry, refused, "FAILED");
            assertThat(predictor.version(hub.baseUrl(), service)).isEqualTo("1");

            // not probed yet: found unreachable by the check call itself
            long undeploy = registry.undeploy(serviceId, fleet, WavePlan.CONVERGE);
            DeploymentFlowTest.awaitFinal(registry, undeploy, "SUCCEEDED");
            assertThat(predictor.infer(hub.baseUrl(), service).status()).isEqualTo(404);
            assertThat(predictor.infer(eu.baseUrl(), service).status()).isEqualTo(404);
            assertThat(row(undeploy, hubId).get("status")).isEqualTo("REMOVED");
            Map<String, Object> pending = row(undeploy, awayId);
            assertThat(pending.get("status")).isEqualTo("PENDING");
            assertThat((String) pending.get("error")).startsWith("unreachable, left to converge when it answers");
            assertThat(registry.serviceTargets(serviceId)).isEmpty();
            assertThat(registry.count("SELECT count(*) FROM deployment_wave WHERE deployment_id = ?"
                    + " AND finished_at IS NOT NULL", undeploy)).isEqualTo(1);

            away.restart(); // back with what it held
            assertThat(predictor.version(away.baseUrl(), service)).isEqualTo("1");
            ProbeRounds.tick(deployer);

            assertThat(predictor.infer(away.baseUrl(), service).status()).isEqualTo(404);
            Map<String, Object> converged = row(undeploy, awayId);
            assertThat(converged.get("status")).isEqualTo("REMOVED");
            assertThat(converged.get("converged_at")).isNotNull();
        }
    }

    @Test
    void aPendingRemovalIsWithdrawnWhenTheServiceIsDeployedToTheTargetAgainBeforeItReturns() {
        String service = Registry.unique("again");
        long serviceId = DeploymentFlowTest.newService(registry, service);
        try (TestNodes.Node away = TestNodes.edge("edge-again")) {
            long awayId = registry.target(Registry.unique("again"), "EDGE", away.baseUrl());
            List<Long> fleet = List.of(hubId, awayId);
            DeploymentFlowTest.awaitFinal(registry, registry.deploy(serviceId, "DEPLOY", 1, fleet), "SUCCEEDED");
            away.stop();
            long undeploy = registry.undeploy(serviceId, fleet, WavePlan.CONVERGE);
            DeploymentFlowTest.awaitFinal(registry, undeploy, "SUCCEEDED");
            ProbeRounds.tick(deployer); // marks it DOWN
            long redeploy = registry.deploy(serviceId, 2, fleet, WavePlan.single(0, WavePlan.CONVERGE));
            DeploymentFlowTest.awaitFinal(registry, redeploy, "SUCCEEDED");

            away.restart();
            ProbeRounds.tick(deployer);

            assertThat(predictor.version(away.baseUrl(), service)).as("the later deployment wins").isEqualTo("2");
            assertThat(row(undeploy, awayId).get("status")).isEqualTo("REVERTED");
            assertThat(row(undeploy, awayId).get("converged_at")).isNull();
            assertThat(row(redeploy, awayId).get("converged_at")).isNotNull();
        }
    }
}
