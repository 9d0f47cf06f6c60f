package io.rtml.onnx;

import static io.rtml.onnx.TestModels.identityGraph;
import static io.rtml.onnx.TestModels.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.rtml.onnx.proto.StringStringEntryProto;
import io.rtml.onnx.proto.TensorProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walk's refusals carry what was found, for each caller to word: the registry's wording is
 * covered by registry-core's HostileModelTest, a node's by scoring-service's ExternalDataTest.
 */
class ModelWalkerRefusalTest {

    @TempDir
    Path dir;

    @Test
    void anExternalDataRefusalNamesTheTensorAndTheFileWithoutOpeningIt() throws IOException {
        TensorProto external = TensorProto.newBuilder().setName("w").addDims(4).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("README.md"))
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .build();
        Path file = Files.write(dir.resolve("m.onnx"), model(identityGraph().addInitializer(external)).toByteArray());

        OnnxRefusal refusal = catchThrowableOfType(OnnxRefusal.class,
                () -> ModelWalker.walk(file, InspectionLimits.defaults()));

        assertThat(refusal.kind()).isEqualTo(OnnxRefusal.Kind.EXTERNAL_DATA);
        assertThat(refusal.detail()).isEqualTo("initializer 'w'");
        assertThat(refusal.location()).isEqualTo("README.md");
        assertThat(refusal.getMessage()).contains("initializer 'w'", "('README.md')", "only self-contained .onnx files");
    }

    @Test
    void aCutShortFileIsMalformedWithItsPosition() throws IOException {
        byte[] whole = model(identityGraph()).toByteArray();
        Path file = Files.write(dir.resolve("cut.onnx"), java.util.Arrays.copyOf(whole, whole.length - 5));

        OnnxRefusal refusal = catchThrowableOfType(OnnxRefusal.class,
                () -> ModelWalker.walk(file, InspectionLimits.defaults()));

        assertThat(refusal.kind()).isEqualTo(OnnxRefusal.Kind.MALFORMED);
        assertThat(refusal.size()).isEqualTo(whole.length - 5);
        assertThat(refusal.getMessage()).startsWith("the file is not an ONNX model");
    }

    @Test
    void aSelfContainedModelGivesItsSignature() throws IOException {
        Path file = Files.write(dir.resolve("ok.onnx"), model(identityGraph()).toByteArray());

        ModelSignature signature = ModelWalker.walk(file, InspectionLimits.defaults());

        assertThat(signature.inputs()).extracting(ValueSpec::name).containsExactly("x");
        assertThat(signature.outputs()).extracting(ValueSpec::name).containsExactly("y");
    }
}
