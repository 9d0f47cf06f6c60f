package io.rtml.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.deployer.support.Deployers;
import io.rtml.deployer.support.FaultProxy;
import io.rtml.deployer.support.Predictor;
import io.rtml.deployer.support.Registry;
import io.rtml.deployer.support.TestNodes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A deployer stopped in the middle of staging (its application context closed while a node is
 * still answering the stage call): another deployer takes the deployment over once the lease
 * lapses, and either completes it or, past max-attempts, fails it with nothing activated.
 */
class DeployerCrashTest {

    static TestNodes.Node hub;
    static TestNodes.Node edge;
    static FaultProxy edgeProxy;
    static List<Long> targets;
    static Registry registry;
    static final Predictor predictor = new Predictor();

    @BeforeAll
    static void start() throws Exception {
        hub = TestNodes.hub("hub");
        edge = TestNodes.edge("edge");
        edgeProxy = new FaultProxy(edge.baseUrl());
    }

    @AfterAll
    static void stop() {
        edgeProxy.close();
        hub.close();
        edge.close();
    }

    @Test
    void anotherDeployerResumesADeploymentWhoseDeployerDiedDuringStaging() throws Exception {
        ConfigurableApplicationContext first = Deployers.start("crash-a", Map.of("rtml.deployer.lease", "1s"));
        setUp(first);
        String service = Registry.unique("resume");
        long serviceId = DeploymentFlowTest.newService(registry, service);

        edgeProxy.holdStages();
        long id = registry.deploy(serviceId, "DEPLOY", 1, targets);
        assertThat(edgeProxy.awaitStageArrived(20)).isTrue();
        assertThat(registry.status(id)).isEqualTo("STAGING");
        first.close();
        edgeProxy.releaseStages();

        ConfigurableApplicationContext second = Deployers.start("crash-b", Map.of("rtml.deployer.lease", "1s"));
        try {
            DeploymentFlowTest.awaitFinal(registry, id, "SUCCEEDED");
        } finally {
            second.close();
        }
        Map<String, Object> row = registry.deployment(id);
        assertThat(row.get("attempts")).isEqualTo(2);
        assertThat(row.get("claimed_by")).isEqualTo("crash-b");
        assertThat(predictor.version(hub.baseUrl(), service)).isEqualTo("1");
        assertThat(predictor.version(edge.baseUrl(), service)).isEqualTo("1");
        assertThat(registry.audits(service, "deployment.succeeded")).isEqualTo(1);
    }

    @Test
    void aDeploymentPastMaxAttemptsIsFailedCleanly() throws Exception {
        ConfigurableApplicationContext first = Deployers.start("crash-c", Map.of("rtml.deployer.lease", "1s"));
        setUp(first);
        String service = Registry.unique("giveup");
        long serviceId = DeploymentFlowTest.newService(registry, service);
        awaitDeployed(serviceId, 1);

        edgeProxy.holdStages();
        long id = registry.deploy(serviceId, "DEPLOY", 2, targets);
        assertThat(edgeProxy.awaitStageArrived(20)).isTrue();
        first.close();
        edgeProxy.releaseStages();

        ConfigurableApplicationContext second = Deployers.start("crash-d",
                Map.of("rtml.deployer.lease", "1s", "rtml.deployer.max-attempts", "1"));
        try {
            DeploymentFlowTest.awaitFinal(registry, id, "FAILED");
        } finally {
            second.close();
        }
        assertThat((String) registry.deployment(id).get("error")).startsWith("gave up after 1 attempts");
        assertThat(predictor.version(hub.baseUrl(), service)).isEqualTo("1");
        assertThat(predictor.version(edge.baseUrl(), service)).isEqualTo("1");
        assertThat(registry.audits(service, "deployment.failed")).isEqualTo(1);
    }

    private static void awaitDeployed(long serviceId, int version) {
        ConfigurableApplicationContext helper = Deployers.start("crash-setup", Map.of());
        try {
            DeploymentFlowTest.awaitFinal(registry, registry.deploy(serviceId, "DEPLOY", version, targets), "SUCCEEDED");
        } finally {
            helper.close();
        }
    }

    private static void setUp(ConfigurableApplicationContext context) {
        if (registry == null) {
            registry = new Registry(context.getBean(S3Client.class));
            targets = List.of(registry.target(Registry.unique("hub"), "HUB", hub.baseUrl()),
                    registry.target(Registry.unique("edge"), "EDGE", edgeProxy.baseUrl()));
        }
    }
}
