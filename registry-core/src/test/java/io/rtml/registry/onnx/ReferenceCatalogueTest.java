package io.rtml.registry.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.onnx.InspectionLimits;
import io.rtml.onnx.ModelSignature;
import io.rtml.onnx.ModelWalker;
import io.rtml.onnx.OpsetImport;
import io.rtml.onnx.ValueSpec;
import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Every model of the shared catalogue inspects the way its reference.json says. */
class ReferenceCatalogueTest {

    private static final OnnxInspector INSPECTOR = new OnnxInspector(InspectionLimits.defaults());

    static Stream<Arguments> catalogue() {
        return ReferenceModels.shared().stream().map(model -> Arguments.of(model.name(), model));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void inspectsAsTheReferenceSays(String name, ReferenceModel model) {
        switch (model.expect()) {
            case "ok" -> assertMatches(INSPECTOR.inspect(model.file()), model.reference().path("model"));
            case "parse_error" -> assertThat(refusal(model).code()).isEqualTo(ErrorCode.NOT_ONNX);
            case "load_error" -> {
                RtmlException refusal = refusal(model);
                assertThat(refusal.code()).isEqualTo(ErrorCode.MODEL_LOAD_FAILED);
                assertThat(refusal.getMessage()).startsWith("ONNX Runtime cannot load this model: ")
                        .doesNotContain(model.file().toString());
                // It is valid ONNX: the walk alone reads the signature the reference records.
                assertMatches(ModelWalker.walk(model.file(), InspectionLimits.defaults()), model.reference().path("model"));
            }
            default -> throw new IllegalStateException(name + " expects " + model.expect());
        }
    }

    private static RtmlException refusal(ReferenceModel model) {
        return Refused.by(() -> INSPECTOR.inspect(model.file()));
    }

    private static void assertMatches(ModelSignature signature, JsonNode expected) {
        assertThat(signature.irVersion()).isEqualTo(expected.path("ir_version").asLong());
        assertThat(signature.producerName()).isEqualTo(expected.path("producer_name").asString(""));
        if (expected.has("producer_version")) {
            assertThat(signature.producerVersion()).isEqualTo(expected.path("producer_version").asString());
        }
        if (expected.has("model_domain")) {
            assertThat(signature.modelDomain()).isEqualTo(expected.path("model_domain").asString());
        }
        List<OpsetImport> opsets = new ArrayList<>();
        for (JsonNode opset : expected.path("opset_imports")) {
            opsets.add(new OpsetImport(opset.path("domain").asString(), opset.path("version").asLong()));
        }
        assertThat(signature.opsetImports()).containsExactlyElementsOf(opsets);
        assertThat(signature.inputs()).containsExactlyElementsOf(values(expected.path("declared_inputs")));
        assertThat(signature.outputs()).containsExactlyElementsOf(values(expected.path("declared_outputs")));
    }

    private static List<ValueSpec> values(JsonNode declared) {
        List<ValueSpec> values = new ArrayList<>();
        for (JsonNode value : declared) {
            values.add(new ValueSpec(value.path("name").asString(), value.path("onnx_type").asString(),
                    value.path("datatype").isString() ? value.path("datatype").asString() : null,
                    value.path("shape").isArray() ? shape(value.path("shape")) : null));
        }
        return values;
    }

    private static List<Object> shape(JsonNode dims) {
        List<Object> shape = new ArrayList<>();
        for (JsonNode dim : dims) {
            shape.add(dim.isNumber() ? (Object) dim.asLong() : dim.isString() ? dim.asString() : null);
        }
        return shape;
    }
}
