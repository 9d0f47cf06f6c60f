package io.rtml.registry.onnx;

import static io.rtml.testing.ProtoBuilder.floatTensor;
import static io.rtml.testing.ProtoBuilder.message;
import static io.rtml.testing.ProtoBuilder.model;
import static io.rtml.testing.ProtoBuilder.node;
import static io.rtml.testing.ProtoBuilder.opset;
import static io.rtml.testing.ProtoBuilder.tensorValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.rtml.onnx.WeightlessCopy;
import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.ModelProto;
import io.rtml.onnx.proto.TensorProto;
import io.rtml.testing.ProtoBuilder;
import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The copy that the load check opens is the same model to ONNX Runtime, only without its weights' bytes. */
class WeightlessCopyTest {

    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;

    private static final int FLOATS = 1 << 20; // 4 MiB of raw_data, over WeightlessCopy.MIN_BYTES

    @TempDir
    Path dir;

    static Stream<Arguments> loadable() {
        return ReferenceModels.shared().stream().filter(m -> !"parse_error".equals(m.expect()))
                .map(model -> Arguments.of(model.name(), model));
    }

    /** Every initializer of 256 bytes or more moved out: real models with many tensors, several per graph. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("loadable")
    void catalogueModelsLoadTheSameWithoutTheirWeights(String name, ReferenceModel reference) throws Exception {
        Path original = Files.copy(reference.file(), dir.resolve("model.onnx"));
        Path copy = WeightlessCopy.write(original, 256);
        if (copy == null) {
            return; // nothing that large: the check loads the model itself
        }
        assertThat(Files.size(copy)).isLessThan(Files.size(original));
        if ("ok".equals(reference.expect())) {
            try (OrtSession model = open(original); OrtSession weightless = open(copy)) {
                assertThat(weightless.getInputInfo().toString()).isEqualTo(model.getInputInfo().toString());
                assertThat(weightless.getOutputInfo().toString()).isEqualTo(model.getOutputInfo().toString());
            }
        } else {
            assertThatThrownBy(() -> open(copy).close()).isInstanceOf(OrtException.class);
        }
    }

    @Test
    void aLargeInitializerBecomesAReferenceToItsBytesInTheOriginal() throws Exception {
        Path original = write(identityOf(floatTensor("W", FLOATS)
                .bytes(TensorProto.RAW_DATA_FIELD_NUMBER, pattern(FLOATS * 4))));

        Path copy = WeightlessCopy.write(original);

        assertThat(copy).isNotNull().hasParent(dir);
        assertThat(Files.size(copy)).isLessThan(1024);
        // Same output, bytes and all: the reference points at exactly the initializer's data.
        try (OrtSession model = open(original); OrtSession weightless = open(copy);
                OrtSession.Result expected = model.run(Map.of()); OrtSession.Result actual = weightless.run(Map.of())) {
            assertThat(((OnnxTensor) actual.get(0)).getFloatBuffer())
                    .isEqualTo(((OnnxTensor) expected.get(0)).getFloatBuffer());
        }
    }

    @ParameterizedTest(name = "data type {0}")
    @ValueSource(ints = {2, 3, 9, 17, 18, 19, 20}) // uint8, int8, bool and the four float8 types: one byte each
    void oneByteTensorsBecomeReferencesAndTheCopyLoads(int dataType) throws Exception {
        ProtoBuilder tensor = message()
                .packed(TensorProto.DIMS_FIELD_NUMBER, FLOATS)
                .varint(TensorProto.DATA_TYPE_FIELD_NUMBER, dataType)
                .string(TensorProto.NAME_FIELD_NUMBER, "W")
                .bytes(TensorProto.RAW_DATA_FIELD_NUMBER, new byte[FLOATS]);
        // Identity takes float8 from opset 19, which needs IR version 9.
        Path original = write(message()
                .varint(ModelProto.IR_VERSION_FIELD_NUMBER, 9)
                .string(ModelProto.PRODUCER_NAME_FIELD_NUMBER, "rtml-tests")
                .message(ModelProto.OPSET_IMPORT_FIELD_NUMBER, opset("", 19))
                .message(ModelProto.GRAPH_FIELD_NUMBER, message()
                        .message(GraphProto.NODE_FIELD_NUMBER, node("Identity", new String[] {"W"}, "Y"))
                        .string(GraphProto.NAME_FIELD_NUMBER, "weights")
                        .message(GraphProto.INITIALIZER_FIELD_NUMBER, tensor)
                        .message(GraphProto.OUTPUT_FIELD_NUMBER, tensorValue("Y", dataType, (long) FLOATS))));

        Path copy = WeightlessCopy.write(original);

        assertThat(copy).isNotNull();
        assertThat(Files.size(copy)).isLessThan(1024);
        open(original).close();
        open(copy).close();
    }

    @Test
    void leavesInPlaceTensorsWhoseBytesCouldDecideTheLoad() throws IOException {
        byte[] raw = pattern(FLOATS * 4);
        ProtoBuilder[] kept = {
            floatTensor("W", FLOATS / 2).bytes(TensorProto.RAW_DATA_FIELD_NUMBER, raw), // more bytes than its dims hold
            floatTensor("W", FLOATS)
                    .bytes(TensorProto.RAW_DATA_FIELD_NUMBER, raw)
                    .bytes(TensorProto.RAW_DATA_FIELD_NUMBER, raw), // two raw_data fields: the last wins
            floatTensor("W", FLOATS)
                    .bytes(TensorProto.RAW_DATA_FIELD_NUMBER, raw)
                    .packed(TensorProto.FLOAT_DATA_FIELD_NUMBER, 1, 2), // raw_data and float_data both
            message()
                    .packed(TensorProto.DIMS_FIELD_NUMBER, FLOATS)
                    .varint(TensorProto.DATA_TYPE_FIELD_NUMBER, TensorProto.DataType.STRING_VALUE)
                    .string(TensorProto.NAME_FIELD_NUMBER, "W")
                    .bytes(TensorProto.RAW_DATA_FIELD_NUMBER, raw), // a string tensor
            message()
                    .packed(TensorProto.DIMS_FIELD_NUMBER, FLOATS * 8L)
                    .varint(TensorProto.DATA_TYPE_FIELD_NUMBER, TensorProto.DataType.UINT4_VALUE)
                    .string(TensorProto.NAME_FIELD_NUMBER, "W")
                    .bytes(TensorProto.RAW_DATA_FIELD_NUMBER, raw), // uint4: packed nibbles
        };
        for (ProtoBuilder tensor : kept) {
            assertThat(WeightlessCopy.write(write(identityOf(tensor)))).isNull();
        }
        assertThat(WeightlessCopy.write(write(identityOf(floatTensor("W", 1000)
                .bytes(TensorProto.RAW_DATA_FIELD_NUMBER, pattern(4000)))))).isNull();
    }

    private static ProtoBuilder identityOf(ProtoBuilder initializer) {
        return model(message()
                .message(GraphProto.NODE_FIELD_NUMBER, node("Identity", new String[] {"W"}, "Y"))
                .string(GraphProto.NAME_FIELD_NUMBER, "weights")
                .message(GraphProto.INITIALIZER_FIELD_NUMBER, initializer)
                .message(GraphProto.OUTPUT_FIELD_NUMBER, tensorValue("Y", FLOAT, (long) FLOATS)));
    }

    private Path write(ProtoBuilder model) throws IOException {
        return Files.write(Files.createTempFile(dir, "model-", ".onnx"), model.toByteArray());
    }

    private static byte[] pattern(int bytes) {
        ByteBuffer buffer = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; buffer.remaining() >= 4; i++) {
            buffer.putFloat(i * 0.5f);
        }
        return buffer.array();
    }

    private static OrtSession open(Path file) throws OrtException {
        return OrtEnvironment.getEnvironment().createSession(file.toString(), new OrtSession.SessionOptions());
    }
}
