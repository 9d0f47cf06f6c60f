package io.rtml.deployer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.deployer.support.Deployers;
import io.rtml.deployer.support.FaultProxy;
import io.rtml.deployer.support.Predictor;
import io.rtml.deployer.support.Registry;
import io.rtml.deployer.support.TestNodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.services.s3.S3Client;

/** Two deployers on one queue of 20 deployments (20 services): each deployment runs exactly once. */
class TwoDeployersTest {

    @Test
    void eachDeploymentRunsExactlyOnce() throws Exception {
        try (TestNodes.Node hub = TestNodes.hub("hub"); TestNodes.Node edge = TestNodes.edge("edge");
                FaultProxy hubCounter = new FaultProxy(hub.baseUrl());
                FaultProxy edgeCounter = new FaultProxy(edge.baseUrl())) {
            ConfigurableApplicationContext a = Deployers.start("twin-a", Map.of());
            Registry registry = new Registry(a.getBean(S3Client.class));
            a.close(); // started only to create the bucket and get a client; the race starts below
            List<Long> targets = List.of(registry.target(Registry.unique("hub"), "HUB", hubCounter.baseUrl()),
                    registry.target(Registry.unique("edge"), "EDGE", edgeCounter.baseUrl()));
            List<String> services = new ArrayList<>();
            List<Long> deployments = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String service = Registry.unique("twin" + i);
                services.add(service);
                deployments.add(registry.deploy(DeploymentFlowTest.newService(registry, service), "DEPLOY", 1, targets));
            }

            ConfigurableApplicationContext one = Deployers.start("twin-1", Map.of());
            ConfigurableApplicationContext two = Deployers.start("twin-2", Map.of());
            try {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                        deployments.stream().allMatch(id -> registry.status(id).equals("SUCCEEDED")));
            } finally {
                one.close();
                two.close();
            }

            // A stage that outlasts stage-wait is asked again (202 first), so count the stages that ended.
            assertThat(hubCounter.answered("/admin/v1/stage", 200)).isEqualTo(20);
            assertThat(hubCounter.calls("/admin/v1/activate")).isEqualTo(20);
            assertThat(edgeCounter.answered("/admin/v1/stage", 200)).isEqualTo(20);
            assertThat(edgeCounter.calls("/admin/v1/activate")).isEqualTo(20);
            for (int i = 0; i < 20; i++) {
                Map<String, Object> row = registry.deployment(deployments.get(i));
                assertThat(row.get("attempts")).isEqualTo(1);
                assertThat(registry.audits(services.get(i), "deployment.succeeded")).isEqualTo(1);
            }
            List<String> claimers = registry.jdbc.queryForList(
                    "SELECT DISTINCT claimed_by FROM deployment WHERE id = ANY(?)", String.class,
                    (Object) deployments.toArray(Long[]::new));
            assertThat(claimers).isSubsetOf("twin-1", "twin-2");
            Predictor predictor = new Predictor();
            for (String service : services) {
                assertThat(predictor.version(hub.baseUrl(), service)).isEqualTo("1");
            }
        }
    }
}
