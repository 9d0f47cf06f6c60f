package io.rtml.registry.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.onnx.InspectionLimits;
import io.rtml.onnx.ModelSignature;
import io.rtml.onnx.ValueSpec;
import io.rtml.testing.ReferenceModels;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The signature is stored as jsonb and served by the API: plain records that survive a JSON round trip. */
class SignatureJsonTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void roundTripsThroughJsonWithMixedShapes() {
        ModelSignature signature = new OnnxInspector(InspectionLimits.defaults())
                .inspect(ReferenceModels.sharedDir().resolve("squeezenet_snacks_zipmap").resolve("model.onnx"));

        String text = json.writeValueAsString(signature);

        assertThat(text).contains("\"shape\":[\"None\",3,227,227]",
                "{\"name\":\"loss\",\"onnxType\":\"seq(map(string,tensor(float)))\",\"datatype\":null,\"shape\":null}");
        assertThat(json.readValue(text, ModelSignature.class)).isEqualTo(signature);
    }

    @Test
    void keepsUnknownDimensionsAsNull() {
        ValueSpec spec = new ValueSpec("float_input", "tensor(float)", "FP32", java.util.Arrays.asList(null, 784L));

        String text = json.writeValueAsString(spec);

        assertThat(text).isEqualTo("{\"name\":\"float_input\",\"onnxType\":\"tensor(float)\",\"datatype\":\"FP32\",\"shape\":[null,784]}");
        assertThat(json.readValue(text, ValueSpec.class)).isEqualTo(spec);
    }
}
