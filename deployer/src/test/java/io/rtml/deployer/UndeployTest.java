package io.rtml.deployer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
 * UNDEPLOY deployments on real nodes: off some targets, off every target before the service is
 * deleted (after which its model can be deleted), and the two failures: a target that cannot be
 * reached (nothing removed anywhere) and a target that refuses the removal (the others get their
 * version back).
 */
class UndeployTest {

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
        deployer = Deployers.start("undeploy", Map.of());
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
    void undeployingSomeTargetsRemovesTheServiceThereAndNowhereElse() {
        String service = Registry.unique("some");
        long serviceId = deployed(service, List.of(hubId, euId, usId));

        long undeploy = registry.undeploy(serviceId, List.of(euId), false);
        DeploymentFlowTest.awaitFinal(registry, undeploy, "SUCCEEDED");

        assertThat(predictor.infer(eu.baseUrl(), service).status()).isEqualTo(404);
        assertThat(predictor.version(hub.baseUrl(), service)).isEqualTo("2");
        assertThat(predictor.version(us.baseUrl(), service)).isEqualTo("2");
        assertThat(registry.targetStatuses(undeploy)).containsExactly("REMOVED");
        assertThat(registry.serviceTargets(serviceId)).extracting(row -> row.get("target_id"))
                .containsExactlyInAnyOrder(hubId, usId);
        assertThat(registry.count("SELECT count(*) FROM service WHERE id = ?", serviceId)).isEqualTo(1);
        assertThat(registry.audits(service, "deployment.succeeded")).isEqualTo(3);
    }

    @Test
    void deletingAServiceUndeploysItEverywhereThenDeletesItSoItsModelCanGo() {
        String bystander = Registry.unique("bystander");
        long bystanderId = deployed(bystander, List.of(hubId, euId, usId));
        String service = Registry.unique("deleted");
        long serviceId = deployed(service, List.of(hubId, euId, usId));
        long modelId = registry.count("SELECT model_id FROM service WHERE id = ?", serviceId);
        long rowsBefore = rows();

        long undeploy = registry.undeploy(serviceId, List.of(hubId, euId, usId), true);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> registry.count("SELECT count(*) FROM service WHERE id = ?", serviceId) == 0);

        for (TestNodes.Node node : List.of(hub, eu, us)) {
            assertThat(predictor.infer(node.baseUrl(), service).status()).as(node.name).isEqualTo(404);
            assertThat(predictor.version(node.baseUrl(), bystander)).as(node.name).isEqualTo("2");
        }
        assertThat(registry.count("SELECT count(*) FROM deployment WHERE id = ?", undeploy)).isZero();
        assertThat(registry.serviceTargets(serviceId)).isEmpty();
        assertThat(registry.serviceTargets(bystanderId)).hasSize(3);
        // what went: the service, its three placements, its two deployments with three target rows each (the
        // UNDEPLOY and its three rows came after the first count and went too); the bystander's rows all stay
        assertThat(rows()).isEqualTo(rowsBefore - 1 - 3 - 2 - 2 * 3);
        assertThat(registry.audits(service, "service.delete")).isEqualTo(1);
        assertThat(registry.audits(service, "deployment.succeeded")).as("the audit log keeps the story").isEqualTo(3);
        assertThat(registry.jdbc.update("DELETE FROM registered_model WHERE id = ?", modelId))
                .as("nothing holds the model any more").isEqualTo(1);
    }

    @Test
    void aTargetThatCannotBeReachedFailsTheUndeploymentBeforeAnythingIsRemoved() {
        String service = Registry.unique("unreachable");
        try (TestNodes.Node flaky = TestNodes.edge("edge-flaky")) {
            long flakyId = registry.target(Registry.unique("flaky"), "EDGE", flaky.baseUrl());
            long serviceId = deployed(service, List.of(hubId, euId, flakyId));
            flaky.stop();

            long undeploy = registry.undeploy(serviceId, List.of(hubId, euId, flakyId), true);
            DeploymentFlowTest.awaitFinal(registry, undeploy, "FAILED");

            assertThat((String) registry.deployment(undeploy).get("error"))
                    .startsWith("a target cannot be reached, nothing was removed: flaky-");
            assertThat(registry.targetStatuses(undeploy)).containsExactly("STAGED", "STAGED", "FAILED");
            assertThat(predictor.version(hub.baseUrl(), service)).isEqualTo("2");
            assertThat(predictor.version(eu.baseUrl(), service)).isEqualTo("2");
            assertThat(registry.count("SELECT count(*) FROM service WHERE id = ?", serviceId)).isEqualTo(1);
            assertThat(registry.serviceTargets(serviceId)).hasSize(3);
            assertThat(registry.audits(service, "deployment.failed")).isEqualTo(1);
        }
    }

    @Test
    void aTargetThatRefusesTheRemovalMakesTheOthersGetTheirVersionBack() {
        String service = Registry.unique("refused");
        long serviceId = deployed(service, List.of(hubId, euId, usId));
        usProxy.refuseRemove(true);
        try {
            long undeploy = registry.undeploy(serviceId, List.of(hubId, euId, usId), true);
            DeploymentFlowTest.awaitFinal(registry, undeploy, "ROLLED_BACK");
            assertThat((String) registry.deployment(undeploy).get("error"))
                    .startsWith("removal failed, the other targets got their version back: us-")
                    .contains("503 node going down").doesNotContain("restore failed");
            assertThat(registry.targetStatuses(undeploy)).containsExactly("REVERTED", "REVERTED", "FAILED");
        } finally {
            usProxy.refuseRemove(false);
        }
        for (TestNodes.Node node : List.of(hub, eu, us)) {
            assertThat(predictor.version(node.baseUrl(), service)).as(node.name).isEqualTo("2");
        }
        assertThat(registry.count("SELECT count(*) FROM service WHERE id = ?", serviceId)).isEqualTo(1);
        assertThat(registry.serviceTargets(serviceId)).allSatisfy(row ->
                assertThat(row.get("active_version")).isEqualTo(2));
    }

    /** A service with v1 then v2 deployed on the targets (v1 standby there). */
    @Test
    void afterARebindTheOldModelsVersionIsNotRecordedAsPreviousNorRestored() {
        String service = Registry.unique("rebound");
        long serviceId = deployed(service, List.of(hubId)); // the old model's version 2 is active
        long other = registry.model(service + "-other");
        // version 3: the node still holds the old model's 1 and 2 and would refuse other bytes under them
        registry.version(other, 3, Registry.mnistVersion(7));
        registry.rebind(serviceId, other);

        long deploy = registry.deploy(serviceId, "DEPLOY", 3, List.of(hubId));
        DeploymentFlowTest.awaitFinal(registry, deploy, "SUCCEEDED");

        assertThat(registry.serviceTargets(serviceId)).singleElement().satisfies(row -> {
            assertThat(row.get("active_version")).isEqualTo(3);
            assertThat(row.get("previous_version")).as("version 2 was the old model's").isNull();
        });
    }

    private static long deployed(String service, List<Long> targets) {
        long serviceId = DeploymentFlowTest.newService(registry, service);
        DeploymentFlowTest.awaitFinal(registry, registry.deploy(serviceId, "DEPLOY", 1, targets), "SUCCEEDED");
        DeploymentFlowTest.awaitFinal(registry, registry.deploy(serviceId, "DEPLOY", 2, targets), "SUCCEEDED");
        return serviceId;
    }

    private static long rows() {
        return registry.count("SELECT (SELECT count(*) FROM service) + (SELECT count(*) FROM service_target)"
                + " + (SELECT count(*) FROM deployment) + (SELECT count(*) FROM deployment_target)");
    }
}
