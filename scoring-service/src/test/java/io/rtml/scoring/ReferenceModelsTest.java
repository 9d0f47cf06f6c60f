package io.rtml.scoring;

import static io.rtml.scoring.ReferenceAssertions.assertMap;
import static io.rtml.scoring.ReferenceAssertions.assertOipOutput;
import static io.rtml.scoring.ReferenceAssertions.assertValue;
import static io.rtml.scoring.ReferenceAssertions.floats;
import static io.rtml.scoring.ReferenceAssertions.list;
import static io.rtml.scoring.ReferenceAssertions.probabilities;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Every reference model that ONNX Runtime can load, staged from an HTTP artifact host, activated,
 * and served through OIP infer and (tabular ones) the records API: outputs must equal the
 * reference within its tolerance.
 */
class ReferenceModelsTest extends OneNodeTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.rtml.testing.ReferenceModels#servable")
    void oipInferMatchesReference(ReferenceModel model) {
        String service = "oip-" + model.name().replace('_', '-');
        node.deploy(artifacts, service, 1, model, null);

        NodeClient.Response meta = node.client.get("/v2/models/" + service);
        assertThat(meta.status()).isEqualTo(200);
        assertThat(meta.body().path("platform").asString()).isEqualTo("onnxruntime_onnx");
        for (JsonNode declared : model.reference().path("model").path("declared_inputs")) {
            JsonNode served = list(meta.body().path("inputs")).stream()
                    .filter(i -> i.path("name").asString().equals(declared.path("name").asString()))
                    .findFirst().orElseThrow();
            assertThat(served.path("datatype").asString()).isEqualTo(declared.path("datatype").asString());
            List<Long> expectedShape = list(declared.path("shape")).stream()
                    .map(d -> d.isNumber() ? d.asLong() : -1L).toList();
            assertThat(list(served.path("shape"))).map(JsonNode::asLong).isEqualTo(expectedShape);
        }

        Map<String, Object> request = new LinkedHashMap<>();
        request.put("id", "ref-" + model.name());
        request.put("inputs", model.reference().path("inputs"));
        NodeClient.Response r = node.client.post("/v2/models/" + service + "/infer", request);

        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.modelVersion()).isEqualTo("1");
        assertThat(r.body().path("model_version").asString()).isEqualTo("1");
        assertThat(r.body().path("model_name").asString()).isEqualTo(service);
        assertThat(r.body().path("id").asString()).isEqualTo("ref-" + model.name());
        for (JsonNode expected : model.reference().path("outputs")) {
            JsonNode served = list(r.body().path("outputs")).stream()
                    .filter(o -> o.path("name").asString().equals(expected.path("name").asString()))
                    .findFirst().orElseThrow(() -> new AssertionError("no output " + expected.path("name")));
            assertOipOutput(served, expected, model.reference());
        }
    }

    static Stream<Arguments> tabular() {
        return Stream.of(
                Arguments.of("sklearn_titanic_pipeline", null),
                Arguments.of("sklearn_rf_iris_zipmap", List.of("sepal_length", "sepal_width", "petal_length", "petal_width")),
                Arguments.of("sklearn_voting_string_labels", List.of("x1", "x2")),
                Arguments.of("sklearn_tree_regressor_fp64", List.of("a", "b", "c", "d")),
                Arguments.of("xgboost_regressor", null)); // no feature names: the array form {"X": [...]}
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tabular")
    void recordsPredictMatchesReference(String name, List<String> features) {
        ReferenceModel model = ReferenceModels.named(name);
        String service = "records-" + name.replace('_', '-');
        node.deploy(artifacts, service, 3, model, features);

        List<Map<String, Object>> records = records(model.reference().path("inputs"), features);
        NodeClient.Response r = node.client.post("/v1/services/" + service + "/predict", Map.of("records", records));

        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.modelVersion()).isEqualTo("3");
        assertThat(r.body().path("model").asString()).isEqualTo(service);
        assertThat(r.body().path("version").asString()).isEqualTo("3");
        JsonNode predictions = r.body().path("predictions");
        assertThat(predictions.size()).isEqualTo(records.size());
        for (JsonNode expected : model.reference().path("outputs")) {
            String out = expected.path("name").asString();
            for (int i = 0; i < records.size(); i++) {
                JsonNode served = predictions.get(i).path(out);
                if (expected.path("datatype").asString().equals("SEQUENCE_OF_MAP")) {
                    assertMap(out + "[" + i + "]", served, expected.path("data").get(i), probabilities(model.reference()));
                } else {
                    int width = expected.path("data").size() / records.size();
                    String type = expected.path("datatype").asString();
                    for (int k = 0; k < width; k++) {
                        JsonNode value = width == 1 ? served : served.get(k);
                        assertValue(out + "[" + i + "]", value, expected.path("data").get(i * width + k), type,
                                floats(model.reference()));
                    }
                }
            }
        }
    }

    /** Turns reference OIP inputs into records: columns by input name, 2-D inputs by feature name or as arrays. */
    static List<Map<String, Object>> records(JsonNode inputs, List<String> features) {
        int rows = inputs.get(0).path("shape").get(0).asInt();
        List<Map<String, Object>> records = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            Map<String, Object> record = new LinkedHashMap<>();
            for (JsonNode in : inputs) {
                JsonNode data = in.path("data");
                int width = data.size() / rows;
                if (width == 1) {
                    record.put(in.path("name").asString(), data.get(r));
                } else if (features != null) {
                    for (int k = 0; k < width; k++) {
                        record.put(features.get(k), data.get(r * width + k));
                    }
                } else {
                    List<JsonNode> row = new ArrayList<>();
                    for (int k = 0; k < width; k++) {
                        row.add(data.get(r * width + k));
                    }
                    record.put(in.path("name").asString(), row);
                }
            }
            records.add(record);
        }
        return records;
    }
}
