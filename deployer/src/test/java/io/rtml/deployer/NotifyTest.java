package io.rtml.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.deployer.support.Deployers;
import io.rtml.deployer.support.Registry;
import io.rtml.deployer.support.TestNodes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.services.s3.S3Client;

/** With the NOTIFY trigger of migration V004, a deployment is picked up at once even with a very slow poll. */
class NotifyTest {

    @Test
    void aNotifiedDeploymentIsClaimedWithoutWaitingForThePoll() {
        try (TestNodes.Node hub = TestNodes.hub("hub")) {
            ConfigurableApplicationContext deployer = Deployers.start("notify",
                    Map.of("rtml.deployer.poll-interval", "1h"));
            try {
                Registry registry = new Registry(deployer.getBean(S3Client.class));
                String service = Registry.unique("notified");
                long serviceId = DeploymentFlowTest.newService(registry, service);
                long target = registry.target(Registry.unique("hub"), "HUB", hub.baseUrl());
                // The first poll ran at start-up; the next one is an hour away.
                long id = registry.deploy(serviceId, "DEPLOY", 1, List.of(target));
                DeploymentFlowTest.awaitFinal(registry, id, "SUCCEEDED");
                assertThat(registry.deployment(id).get("claimed_by")).isEqualTo("notify");
            } finally {
                deployer.close();
            }
        }
    }
}
