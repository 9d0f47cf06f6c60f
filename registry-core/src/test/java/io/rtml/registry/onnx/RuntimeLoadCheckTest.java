package io.rtml.registry.onnx;

import static io.rtml.testing.ProtoBuilder.floatTensor;
import static io.rtml.testing.ProtoBuilder.message;
import static io.rtml.testing.ProtoBuilder.model;
import static io.rtml.testing.ProtoBuilder.node;
import static io.rtml.testing.ProtoBuilder.tensorValue;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.TensorProto;
import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.testing.ProtoBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ONNX Runtime's verdict and messages reach the user as they are, for models with large weights too. */
class RuntimeLoadCheckTest {

    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;

    private static final int FLOATS = 1 << 20; // 4 MiB of weights: loaded through the weightless copy

    private final Path upload = Path.of("/tmp/rtml-upload-123/model.onnx");

    @TempDir
    Path dir;

    @Test
    void keepsOnlyTheReason() {
        String message = "Error code - ORT_FAIL - message: Load model from /tmp/rtml-upload-123/model.onnx "
                + "failed:Fatal error: ai.onnx.contrib:StringLower(-1) is not a registered function/op";

        assertThat(RuntimeLoadCheck.reason(message, upload))
                .isEqualTo("Fatal error: ai.onnx.contrib:StringLower(-1) is not a registered function/op");
    }

    @Test
    void hidesThePathWhereverItAppears() {
        String message = "Error code - ORT_INVALID_GRAPH - message: Node (n) refers to /tmp/rtml-upload-123/model.onnx";

        assertThat(RuntimeLoadCheck.reason(message, upload)).isEqualTo("Node (n) refers to <model>");
    }

    @Test
    void aModelWithLargeWeightsLoadsAndLeavesNothingBeside() throws IOException {
        Path model = write(weights("Identity", floatTensor("W", FLOATS)
                .bytes(TensorProto.RAW_DATA_FIELD_NUMBER, new byte[FLOATS * 4])));

        RuntimeLoadCheck.check(model);

        assertThat(filesIn(dir)).containsExactly(model);
    }

    @Test
    void aModelWithLargeWeightsThatOnnxRuntimeCannotLoadIsRefusedWithItsOwnReason() throws IOException {
        Path model = write(weights("NoSuchOperator", floatTensor("W", FLOATS)
                .bytes(TensorProto.RAW_DATA_FIELD_NUMBER, new byte[FLOATS * 4])));

        RtmlException refusal = Refused.by(() -> RuntimeLoadCheck.check(model));

        assertThat(refusal.code()).isEqualTo(ErrorCode.MODEL_LOAD_FAILED);
        assertThat(refusal.getMessage()).contains("NoSuchOperator").doesNotContain("load-check", dir.toString());
        assertThat(filesIn(dir)).containsExactly(model);
    }

    @Test
    void largeWeightsOfTheWrongSizeAreRefused() throws IOException {
        // 4 MiB of bytes for dims that hold 2 MiB: ONNX Runtime refuses it, so the check must too.
        Path model = write(weights("Identity", floatTensor("W", FLOATS / 2)
                .bytes(TensorProto.RAW_DATA_FIELD_NUMBER, new byte[FLOATS * 4])));

        RtmlException refusal = Refused.by(() -> RuntimeLoadCheck.check(model));

        assertThat(refusal.code()).isEqualTo(ErrorCode.MODEL_LOAD_FAILED);
        assertThat(filesIn(dir)).containsExactly(model);
    }

    private static ProtoBuilder weights(String opType, ProtoBuilder initializer) {
        return model(message()
                .message(GraphProto.NODE_FIELD_NUMBER, node(opType, new String[] {"W"}, "Y"))
                .string(GraphProto.NAME_FIELD_NUMBER, "weights")
                .message(GraphProto.INITIALIZER_FIELD_NUMBER, initializer)
                .message(GraphProto.OUTPUT_FIELD_NUMBER, tensorValue("Y", FLOAT, (long) FLOATS)));
    }

    private Path write(ProtoBuilder model) throws IOException {
        return Files.write(dir.resolve("upload-1.onnx"), model.toByteArray());
    }

    private static Stream<Path> filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList().stream();
        }
    }
}
