package io.rtml.deployer.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.deployer.support.Deployers;
import io.rtml.deployer.support.FaultProxy;
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

/** How the worker keeps track of its jobs and lets go of them when its application closes. */
class DeploymentWorkerTest {

    static TestNodes.Node hub;
    static FaultProxy hubProxy;

    @BeforeAll
    static void start() throws Exception {
        hub = TestNodes.hub("worker-hub");
        hubProxy = new FaultProxy(hub.baseUrl());
    }

    @AfterAll
    static void stop() {
        hubProxy.close();
        hub.close();
    }

    @Test
    void aFinishedJobLeavesNoEntryBehind() {
        ConfigurableApplicationContext deployer = Deployers.start("worker-a", Map.of());
        try {
            Registry registry = new Registry(deployer.getBean(S3Client.class));
            long id = registry.deploy(newService(registry, "finished"), "DEPLOY", 1, List.of(target(registry)));
            await().atMost(Duration.ofSeconds(60)).until(() -> registry.status(id).equals("SUCCEEDED"));
            DeploymentWorker worker = deployer.getBean(DeploymentWorker.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> worker.runningIds().isEmpty());
        } finally {
            deployer.close();
        }
    }

    @Test
    void aClosingDeployerClaimsNothingMore() {
        ConfigurableApplicationContext deployer = Deployers.start("worker-b", Map.of());
        Registry registry = new Registry(deployer.getBean(S3Client.class));
        long service = newService(registry, "closing");
        try {
            DeploymentWorker worker = deployer.getBean(DeploymentWorker.class);
            // As the ContextClosedEvent does, before the scheduler's own listener stops the polls.
            worker.stopped();
            long id = registry.deploy(service, "DEPLOY", 1, List.of(target(registry)));
            worker.poll();
            Map<String, Object> row = registry.deployment(id);
            assertThat(row.get("status")).isEqualTo("PENDING");
            assertThat(row.get("attempts")).isEqualTo(0);
        } finally {
            deployer.close();
            // The PENDING deployment would be the oldest claimable one for every later deployer in this
            // test JVM; the service goes, and its deployments with it (ON DELETE CASCADE), as a registry delete does.
            registry.jdbc.update("DELETE FROM service WHERE id = ?", service);
        }
    }

    @Test
    void aJobCutOffByTheCloseIsLeftInFlightForAnotherDeployer() throws Exception {
        ConfigurableApplicationContext deployer = Deployers.start("worker-c", Map.of("rtml.deployer.lease", "30s"));
        Registry registry = new Registry(deployer.getBean(S3Client.class));
        long id;
        long service = newService(registry, "cut");
        hubProxy.holdStages();
        try {
            id = registry.deploy(service, "DEPLOY", 1, List.of(target(registry)));
            assertThat(hubProxy.awaitStageArrived(20)).isTrue();
        } finally {
            deployer.close();
            hubProxy.releaseStages();
        }
        Map<String, Object> row = registry.deployment(id);
        assertThat(row.get("status")).isEqualTo("STAGING");
        assertThat(row.get("attempts")).isEqualTo(1);
        assertThat(row.get("claimed_by")).isEqualTo("worker-c");
        assertThat(registry.targetStatuses(id)).doesNotContain("ACTIVE");
        registry.jdbc.update("DELETE FROM service WHERE id = ?", service); // no later deployer here takes it over
    }

    private static long target(Registry registry) {
        return registry.target(Registry.unique("worker-hub"), "HUB", hubProxy.baseUrl());
    }

    private static long newService(Registry registry, String prefix) {
        String name = Registry.unique(prefix);
        long modelId = registry.model(name);
        registry.version(modelId, 1, Registry.mnistVersion(1));
        return registry.service(name, modelId);
    }
}
