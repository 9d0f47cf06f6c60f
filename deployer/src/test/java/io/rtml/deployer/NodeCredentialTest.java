package io.rtml.deployer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.deployer.support.Deployers;
import io.rtml.deployer.support.Predictor;
import io.rtml.deployer.support.Registry;
import io.rtml.deployer.support.RogueTarget;
import io.rtml.deployer.support.TestNodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 13, item 1, with real nodes: a host that a deployer token registered as a target receives
 * its own node credential and nothing else: not another node's credential, not the deployer's
 * shared node token, no presigned URL of a deployment it is not part of, and no secret at all on
 * the health probe. The real nodes take only their own credentials.
 */
class NodeCredentialTest {

    @Test
    void aRogueTargetSeesOnlyItsOwnCredentialAndOnlyItsOwnDeployments() throws Exception {
        ConfigurableApplicationContext deployer = Deployers.start("credentials",
                Map.of("rtml.deployer.reconcile-interval", "100ms"));
        Registry registry = new Registry(deployer.getBean(S3Client.class));
        long euId = registry.target(Registry.unique("eu"), "EDGE", "http://127.0.0.1:1");
        long usId = registry.target(Registry.unique("us"), "EDGE", "http://127.0.0.1:1");
        String euCredential = registry.issueNodeCredential(euId);
        String usCredential = registry.issueNodeCredential(usId);
        try (TestNodes.Node eu = TestNodes.edge("edge-eu", euCredential);
                TestNodes.Node us = TestNodes.edge("edge-us", usCredential);
                RogueTarget rogue = new RogueTarget()) {
            registry.moveTarget(euId, eu.baseUrl());
            registry.moveTarget(usId, us.baseUrl());
            long rogueId = registry.target(Registry.unique("rogue"), "EDGE", rogue.baseUrl());
            String rogueCredential = registry.issueNodeCredential(rogueId);

            // Another team's service, deployed to edge-eu only, from bytes no other version has.
            String theirs = Registry.unique("theirs");
            long theirModel = registry.model(theirs + "-model");
            byte[] theirBytes = Registry.mnistVersion(77);
            registry.version(theirModel, 1, theirBytes);
            long theirService = registry.service(theirs, theirModel);
            DeploymentFlowTest.awaitFinal(registry, registry.deploy(theirService, "DEPLOY", 1, List.of(euId)),
                    "SUCCEEDED");
            // A deployment to "all", the rogue included.
            String everyone = Registry.unique("everyone");
            long everyoneService = DeploymentFlowTest.newService(registry, everyone);
            DeploymentFlowTest.awaitFinal(registry, registry.deploy(everyoneService, "DEPLOY", 1,
                    List.of(euId, usId, rogueId)), "SUCCEEDED");
            Predictor predictor = new Predictor();
            assertThat(predictor.version(eu.baseUrl(), theirs)).isEqualTo("1");
            assertThat(predictor.version(us.baseUrl(), everyone)).isEqualTo("1");
            // Reconciliation rounds probe and read every target, the rogue included.
            await().atMost(Duration.ofSeconds(20)).until(() -> rogue.seen().stream()
                    .filter(s -> s.path().equals("/admin/v1/state")).count() >= 3);

            List<RogueTarget.Seen> seen = rogue.seen();
            assertThat(seen).filteredOn(s -> s.path().startsWith("/admin/")).isNotEmpty()
                    .allSatisfy(s -> assertThat(s.authorization()).isEqualTo("Bearer " + rogueCredential));
            assertThat(seen).filteredOn(s -> s.path().startsWith("/v2/health/")).isNotEmpty()
                    .allSatisfy(s -> assertThat(s.authorization()).as("health probe").isNull());
            String everything = seen.toString();
            assertThat(everything).doesNotContain(euCredential).doesNotContain(usCredential)
                    .doesNotContain(TestNodes.TOKEN).doesNotContain(theirs)
                    .doesNotContain(sha256(theirBytes));

            // Each real node takes only its own credential.
            assertThat(adminState(eu.baseUrl(), euCredential)).isEqualTo(200);
            assertThat(adminState(eu.baseUrl(), rogueCredential)).isEqualTo(401);
            assertThat(adminState(eu.baseUrl(), usCredential)).isEqualTo(401);
            assertThat(adminState(eu.baseUrl(), TestNodes.TOKEN)).isEqualTo(401);
        } finally {
            deployer.close();
        }
    }

    private static int adminState(String baseUrl, String token) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl + "/admin/v1/state"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
