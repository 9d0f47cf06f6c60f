package io.rtml.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.deployer.support.Deployers;
import io.rtml.deployer.support.Registry;
import io.rtml.deployer.support.TestNodes;
import io.rtml.testing.WarmupHostileModels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Models whose graph refuses the warm-up's zeros deploy through the deployer to a hub and two
 * edges and predict correctly there; each node's warm-up failure is recorded on its deployment
 * target (what the gallery shows). With an example request the nodes warm up on it and batch.
 */
class WarmupDeployTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String PAD_EXAMPLE = """
            {"inputs":[{"name":"x","datatype":"FP32","shape":[2,4],"data":[1,2,3,4,5,6,7,8]}]}""";

    static List<TestNodes.Node> nodes;
    static ConfigurableApplicationContext deployer;
    static Registry registry;
    static List<Long> targets;

    @BeforeAll
    static void start() {
        nodes = List.of(TestNodes.hub("hub"), TestNodes.edge("edge-eu"), TestNodes.edge("edge-us"));
        deployer = Deployers.start("warmup", Map.of());
        registry = new Registry(deployer.getBean(S3Client.class));
        targets = List.of(
                registry.target(Registry.unique("hub"), "HUB", nodes.get(0).baseUrl()),
                registry.target(Registry.unique("eu"), "EDGE", nodes.get(1).baseUrl()),
                registry.target(Registry.unique("us"), "EDGE", nodes.get(2).baseUrl()));
    }

    @AfterAll
    static void stop() {
        deployer.close();
        nodes.forEach(TestNodes.Node::close);
    }

    @Test
    void aReflectPadDeploysEverywhereWithItsWarmupFailureRecordedThenWithAnExampleItWarmsUpAndBatches() throws Exception {
        String service = Registry.unique("pad");
        long model = registry.model(service + "-model");
        registry.version(model, 1, WarmupHostileModels.reflectPad());
        registry.version(model, 2, WarmupHostileModels.reflectPad(), PAD_EXAMPLE);
        long serviceId = registry.service(service, model);

        long first = registry.deploy(serviceId, "DEPLOY", 1, targets);
        DeploymentFlowTest.awaitFinal(registry, first, "SUCCEEDED");
        assertThat(warmupErrors(first)).hasSize(3).allSatisfy(error -> assertThat(error)
                .startsWith("warm-up with zeros failed, served unbatched: ").contains("Pad"));
        for (TestNodes.Node node : nodes) {
            assertThat(floats(infer(node, service, """
                    {"inputs":[{"name":"x","datatype":"FP32","shape":[1,4],"data":[1,2,3,4]}]}""")))
                    .as(node.name).containsExactly(2f, 1f, 2f, 3f, 4f, 3f);
            assertThat(versionState(node, service, 1).path("batching").asBoolean()).isFalse();
        }

        long second = registry.deploy(serviceId, "DEPLOY", 2, targets);
        DeploymentFlowTest.awaitFinal(registry, second, "SUCCEEDED");
        assertThat(warmupErrors(second)).hasSize(3).containsOnlyNulls();
        for (TestNodes.Node node : nodes) {
            JsonNode v2 = versionState(node, service, 2);
            assertThat(v2.path("warmup").path("input").asString()).as(node.name).isEqualTo("example");
            assertThat(v2.path("warmup").path("status").asString()).isEqualTo("OK");
            assertThat(v2.path("batching").asBoolean()).isTrue();
        }
    }

    @Test
    void aSampleRateModelDeploysEverywhereAndPredictsOnRealRates() throws Exception {
        String service = Registry.unique("rate");
        long model = registry.model(service + "-model");
        registry.version(model, 1, WarmupHostileModels.sampleRate());
        long deployment = registry.deploy(registry.service(service, model), "DEPLOY", 1, targets);
        DeploymentFlowTest.awaitFinal(registry, deployment, "SUCCEEDED");
        assertThat(warmupErrors(deployment)).hasSize(3).allSatisfy(error -> assertThat(error).contains("Gather"));
        for (TestNodes.Node node : nodes) {
            assertThat(floats(infer(node, service, """
                    {"inputs":[{"name":"audio","datatype":"FP32","shape":[1,2],"data":[0.5,1.0]},
                               {"name":"sample_rate","datatype":"INT64","shape":[],"data":[16000]}]}""")))
                    .as(node.name).containsExactly(0.25f, 0.5f);
        }
    }

    private static List<String> warmupErrors(long deploymentId) {
        return registry.jdbc.queryForList("SELECT warmup_error FROM deployment_target WHERE deployment_id = ?",
                String.class, deploymentId);
    }

    private static JsonNode infer(TestNodes.Node node, String service, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create(node.baseUrl() + "/v2/models/" + service + "/infer"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static List<Float> floats(JsonNode answer) {
        return answer.path("outputs").get(0).path("data").valueStream().map(v -> (float) v.asDouble()).toList();
    }

    private static JsonNode versionState(TestNodes.Node node, String service, int version) throws Exception {
        JsonNode state = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/admin/v1/state"))
                .header("Authorization", "Bearer " + TestNodes.TOKEN).build(), HttpResponse.BodyHandlers.ofString())
                .body());
        for (JsonNode s : state.path("services")) {
            for (JsonNode v : s.path("versions")) {
                if (s.path("service").asString().equals(service) && v.path("version").asInt() == version) {
                    return v;
                }
            }
        }
        throw new AssertionError(service + " v" + version + " is not loaded on " + node.name);
    }
}
