package io.rtml.registry.version;

import static io.rtml.registry.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.registry.RegistryApiTest;
import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Every model of the shared reference catalogue, registered over HTTP like a data scientist would. */
class ReferenceCatalogueTest extends RegistryApiTest {

    /** Each model twice: without a declared SHA-256, and with one, which lets the S3 PUT run while the body arrives. */
    static Stream<Arguments> catalogue() {
        return ReferenceModels.shared().stream()
                .flatMap(model -> Stream.of(Arguments.of(model.name(), model, false), Arguments.of(model.name(), model, true)));
    }

    @ParameterizedTest(name = "{0}, SHA-256 declared: {2}")
    @MethodSource("catalogue")
    void registersGoodModelsWithTheirSignatureAndRefusesBrokenOnesLeavingNothing(String name, ReferenceModel reference,
            boolean declareSha256) {
        String model = uniqueName(reference.name().replace('_', '-'));
        api().postJson("/api/v1/models", Map.of("name", model));
        long rows = versionRows();
        long objects = storedObjects();

        String path = "/api/v1/models/" + model + "/versions";
        var response = declareSha256
                ? api().uploadRaw(path, reference.readBytes(), "Content-SHA256", reference.sha256())
                : api().uploadRaw(path, reference.readBytes());

        switch (reference.expect()) {
            case "ok" -> {
                assertThat(response.status()).as(response.text()).isEqualTo(201);
                assertSignatureMatches(response.json().path("signature"), reference.reference().path("model"));
                assertThat(response.json().path("sha256").asString()).isEqualTo(reference.sha256());
            }
            case "parse_error" -> assertProblem(response, 422, "NOT_ONNX");
            case "load_error" -> {
                JsonNode problem = assertProblem(response, 422, "MODEL_LOAD_FAILED");
                assertThat(problem.path("detail").asString()).contains("ai.onnx.contrib");
            }
            default -> throw new IllegalStateException("unknown expectation " + reference.expect());
        }
        if (!"ok".equals(reference.expect())) {
            assertThat(versionRows()).isEqualTo(rows);
            // A PUT that was abandoned leaves the S3 server a partial file until it notices.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(storedObjects()).isEqualTo(objects));
            assertThat(api().get("/api/v1/models/" + model).json().path("latestVersion").asInt()).isZero();
        }
    }

    private static void assertSignatureMatches(JsonNode signature, JsonNode expected) {
        assertThat(signature.path("irVersion").asLong()).isEqualTo(expected.path("ir_version").asLong());
        assertThat(signature.path("producerName").asString()).isEqualTo(expected.path("producer_name").asString());
        assertThat(values(signature.path("opsetImports"), "domain", "version"))
                .containsExactlyInAnyOrderElementsOf(values(expected.path("opset_imports"), "domain", "version"));
        assertValues(signature.path("inputs"), expected.path("declared_inputs"));
        assertValues(signature.path("outputs"), expected.path("declared_outputs"));
    }

    private static void assertValues(JsonNode actual, JsonNode expected) {
        assertThat(actual.size()).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            JsonNode a = actual.get(i);
            JsonNode e = expected.get(i);
            assertThat(a.path("name").asString()).isEqualTo(e.path("name").asString());
            assertThat(a.path("onnxType").asString()).isEqualTo(e.path("onnx_type").asString());
            if (e.has("datatype")) {
                assertThat(a.path("datatype").asString()).isEqualTo(e.path("datatype").asString());
                assertThat(a.path("shape")).as(e.path("name").asString()).isEqualTo(e.path("shape"));
            }
        }
    }

    private static List<String> values(JsonNode array, String first, String second) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(first).asString() + "=" + n.path(second).asString()));
        return out;
    }
}
