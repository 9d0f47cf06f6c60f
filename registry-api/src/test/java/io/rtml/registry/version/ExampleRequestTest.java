package io.rtml.registry.version;

import static io.rtml.registry.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.registry.ApiClient;
import io.rtml.registry.RegistryApiTest;
import io.rtml.testing.ReferenceModels;
import io.rtml.testing.WarmupHostileModels;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A version's example request: from the model's {@code rtml.example} metadata at upload, or set
 * with {@code PUT .../example}; checked against the signature, kept to 64 KiB, stored in
 * PostgreSQL and handed to nodes with the desired state.
 */
class ExampleRequestTest extends RegistryApiTest {

    private static final String PAD_EXAMPLE = """
            {"inputs":[{"name":"x","datatype":"FP32","shape":[2,4],"data":[[1,2,3,4],[5,6,7,8]]}]}""";

    private ApiClient api;
    private String model;

    @BeforeEach
    void createModel() {
        api = api();
        model = uniqueName("pad");
        assertThat(api.postJson("/api/v1/models", Map.of("name", model)).status()).isEqualTo(201);
    }

    @Test
    void anExampleInTheModelMetadataIsCheckedAndStoredWithTheVersion() {
        byte[] bytes = WarmupHostileModels.withMetadata(WarmupHostileModels.reflectPad(), "rtml.example", PAD_EXAMPLE);
        var uploaded = api.uploadRaw("/api/v1/models/" + model + "/versions", bytes);
        assertThat(uploaded.status()).as(uploaded.text()).isEqualTo(201);

        var example = api.get("/api/v1/models/" + model + "/versions/1/example");
        assertThat(example.status()).isEqualTo(200);
        JsonNode input = example.json().path("inputs").get(0);
        assertThat(input.path("name").asString()).isEqualTo("x");
        assertThat(input.path("shape").toString()).isEqualTo("[2,4]");
        assertThat(input.path("data").toString()).isEqualTo("[1,2,3,4,5,6,7,8]");
    }

    @Test
    void anExampleInTheMetadataThatDoesNotFitRefusesTheUpload() {
        String wrong = "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"INT64\",\"shape\":[1,2],\"data\":[1,2]}]}";
        byte[] bytes = WarmupHostileModels.withMetadata(WarmupHostileModels.reflectPad(), "rtml.example", wrong);
        assertProblem(api.uploadRaw("/api/v1/models/" + model + "/versions", bytes), 422, "INVALID_EXAMPLE");
        assertThat(api.get("/api/v1/models/" + model + "/versions").json().path("items")).isEmpty();
    }

    @Test
    void anExampleIsSetReplacedAndRemovedThroughTheApi() {
        assertThat(api.uploadRaw("/api/v1/models/" + model + "/versions", WarmupHostileModels.reflectPad()).status())
                .isEqualTo(201);
        String path = "/api/v1/models/" + model + "/versions/1/example";
        assertProblem(api.get(path), 404, "NOT_FOUND");

        var put = api.send("PUT", path, "application/json", PAD_EXAMPLE.getBytes());
        assertThat(put.status()).as(put.text()).isEqualTo(200);
        assertThat(api.get(path).json().path("inputs").get(0).path("data").size()).isEqualTo(8);

        var delete = api.delete(path);
        assertThat(delete.status()).isEqualTo(204);
        assertProblem(api.get(path), 404, "NOT_FOUND");
    }

    @Test
    void badExamplesGetProblems() {
        assertThat(api.uploadRaw("/api/v1/models/" + model + "/versions", WarmupHostileModels.reflectPad()).status())
                .isEqualTo(201);
        String path = "/api/v1/models/" + model + "/versions/1/example";
        Map<String, String> bad = Map.of(
                "not json", "{\"inputs\":",
                "no inputs", "{\"id\":\"a\"}",
                "unknown input", "{\"inputs\":[{\"name\":\"y\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[1,2]}]}",
                "wrong datatype", "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP64\",\"shape\":[1,2],\"data\":[1,2]}]}",
                "wrong rank", "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2],\"data\":[1,2]}]}",
                "too few values", "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[1,2]}]}",
                "strings for floats", "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,1],\"data\":[\"a\"]}]}",
                "negative dimension", "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[-1,1],\"data\":[1]}]}");
        bad.forEach((why, body) -> {
            var response = api.send("PUT", path, "application/json", body.getBytes());
            assertThat(response.status()).as(why + ": " + response.text()).isBetween(400, 499);
            assertProblem(response, 422, "INVALID_EXAMPLE");
        });
        String huge = "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,20000],\"data\":["
                + "1.2345,".repeat(19_999) + "1]}]}";
        assertProblem(api.send("PUT", path, "application/json", huge.getBytes()), 413, "PAYLOAD_TOO_LARGE");
        assertProblem(api.send("PUT", "/api/v1/models/" + model + "/versions/9/example", "application/json",
                PAD_EXAMPLE.getBytes()), 404, "VERSION_NOT_FOUND");
        assertProblem(api.get(path), 404, "NOT_FOUND");
    }

    @Test
    void aNulCharacterInAnExampleIsRefusedNotA500() {
        // PostgreSQL's jsonb refuses U+0000 (SQLState 22P05); a BYTES value may otherwise hold anything.
        byte[] titanic = ReferenceModels.bundled("sklearn_titanic_pipeline").readBytes();
        String withNul = "{\"inputs\":["
                + "{\"name\":\"pclass\",\"datatype\":\"BYTES\",\"shape\":[1,1],\"data\":[\"1\\u0000\"]},"
                + "{\"name\":\"sex\",\"datatype\":\"BYTES\",\"shape\":[1,1],\"data\":[\"male\"]},"
                + "{\"name\":\"age\",\"datatype\":\"FP32\",\"shape\":[1,1],\"data\":[30]},"
                + "{\"name\":\"fare\",\"datatype\":\"FP32\",\"shape\":[1,1],\"data\":[7.5]},"
                + "{\"name\":\"embarked\",\"datatype\":\"BYTES\",\"shape\":[1,1],\"data\":[\"S\"]}]}";
        assertThat(api.uploadRaw("/api/v1/models/" + model + "/versions", titanic).status()).isEqualTo(201);
        String path = "/api/v1/models/" + model + "/versions/1/example";
        assertProblem(api.send("PUT", path, "application/json", withNul.getBytes()), 422, "INVALID_EXAMPLE");
        assertProblem(api.get(path), 404, "NOT_FOUND");
        String fine = withNul.replace("1\\u0000", "1");
        assertThat(api.send("PUT", path, "application/json", fine.getBytes()).status()).isEqualTo(200);

        byte[] carrying = WarmupHostileModels.withMetadata(titanic, "rtml.example", withNul);
        assertProblem(api.uploadRaw("/api/v1/models/" + model + "/versions", carrying), 422, "INVALID_EXAMPLE");
        assertThat(api.get("/api/v1/models/" + model + "/versions").json().path("items")).hasSize(1);
    }

    @Test
    void aShapeWhoseProductOverflowsOrIsHugeIsRefused() {
        assertThat(api.uploadRaw("/api/v1/models/" + model + "/versions", WarmupHostileModels.reflectPad()).status())
                .isEqualTo(201);
        String path = "/api/v1/models/" + model + "/versions/1/example";
        Map<String, String> bad = Map.of(
                "product overflows to 0", "[4294967296,4294967296]",
                "product overflows past long", "[9223372036854775807,3]",
                "beyond long", "[99999999999999999999999,1]",
                "fractional", "[1.5,2]",
                "huge but not overflowing", "[65537,0]",
                "more values than any example", "[65536,2]");
        bad.forEach((why, shape) -> {
            String body = "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":" + shape
                    + ",\"data\":[]}]}";
            var response = api.send("PUT", path, "application/json", body.getBytes());
            assertThat(response.status()).as(why + ": " + response.text()).isEqualTo(422);
            assertProblem(response, 422, "INVALID_EXAMPLE");
        });
        assertProblem(api.get(path), 404, "NOT_FOUND");
    }

    @Test
    void theDesiredStateCarriesTheExample() {
        byte[] bytes = WarmupHostileModels.withMetadata(WarmupHostileModels.reflectPad(), "rtml.example", PAD_EXAMPLE);
        assertThat(api.uploadRaw("/api/v1/models/" + model + "/versions", bytes).status()).isEqualTo(201);
        String target = uniqueName("edge");
        assertThat(api.postJson("/api/v1/targets", Map.of("name", target, "kind", "EDGE", "region", "eu",
                "baseUrl", "http://127.0.0.1:1", "adminTokenRef", "literal:x")).status()).isEqualTo(201);
        String service = uniqueName("svc");
        assertThat(api.postJson("/api/v1/services", Map.of("name", service, "model", model)).status()).isEqualTo(201);
        var deployed = api.postJson("/api/v1/services/" + service + "/deployments", Map.of("version", 1,
                "targets", List.of(target)));
        assertThat(deployed.status()).as(deployed.text()).isEqualTo(202);
        finish(deployed.json().path("id").asLong());

        JsonNode desired = api.get("/api/v1/targets/" + target + "/desired-state").json();
        assertThat(desired.path("services").get(0).path("example").path("inputs").get(0).path("name").asString())
                .isEqualTo("x");
    }

    @Test
    void aWarmupFailureANodeReportedShowsInTheServiceView() {
        assertThat(api.uploadRaw("/api/v1/models/" + model + "/versions", WarmupHostileModels.reflectPad()).status())
                .isEqualTo(201);
        String target = uniqueName("hub");
        assertThat(api.postJson("/api/v1/targets", Map.of("name", target, "kind", "HUB", "region", "eu",
                "baseUrl", "http://127.0.0.1:1")).status()).isEqualTo(201);
        String service = uniqueName("svc");
        assertThat(api.postJson("/api/v1/services", Map.of("name", service, "model", model)).status()).isEqualTo(201);
        long id = api.postJson("/api/v1/services/" + service + "/deployments", Map.of("version", 1,
                "targets", List.of(target))).json().path("id").asLong();
        // What the deployer writes when the node staged the version but its warm-up failed.
        deployer().stagedWithWarmupError(id,
                "warm-up with zeros failed, served unbatched: Pad reflect requires axis length >= 2");

        JsonNode shown = api.get("/api/v1/services/" + service).json().path("deployments").get(0).path("targets").get(0);
        assertThat(shown.path("warmupError").asString()).startsWith("warm-up with zeros failed");
        assertThat(api.get("/api/v1/services/" + service + "/deployments/" + id).json().path("targets").get(0)
                .path("warmupError").asString()).contains("Pad reflect");
    }
}
