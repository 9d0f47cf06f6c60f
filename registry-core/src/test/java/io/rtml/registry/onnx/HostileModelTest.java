package io.rtml.registry.onnx;

import io.rtml.onnx.InspectionLimits;
import io.rtml.onnx.ModelSignature;
import io.rtml.onnx.OpsetImport;
import io.rtml.onnx.ValueSpec;
import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.ModelProto;
import io.rtml.onnx.proto.TensorProto;
import io.rtml.testing.ProtoBuilder;
import static io.rtml.testing.ProtoBuilder.entry;
import static io.rtml.testing.ProtoBuilder.floatTensor;
import static io.rtml.testing.ProtoBuilder.identityGraph;
import static io.rtml.testing.ProtoBuilder.message;
import static io.rtml.testing.ProtoBuilder.model;
import static io.rtml.testing.ProtoBuilder.node;
import static io.rtml.testing.ProtoBuilder.tensorValue;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Files built to hurt the registry are refused with a clear code, quickly, touching nothing else. */
class HostileModelTest {

    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    private static final int BOOL = TensorProto.DataType.BOOL_VALUE;

    private static final OnnxInspector INSPECTOR = new OnnxInspector(InspectionLimits.defaults());

    @TempDir
    Path dir;

    @Test
    void refusesAnInitializerWhoseDataLivesInAnAbsolutePath() throws IOException {
        ProtoBuilder tensor = floatTensor("w", 4)
                .message(TensorProto.EXTERNAL_DATA_FIELD_NUMBER, entry("location", "/etc/passwd"))
                .varint(TensorProto.DATA_LOCATION_FIELD_NUMBER, TensorProto.DataLocation.EXTERNAL_VALUE);
        ProtoBuilder graph = identityGraph().message(GraphProto.INITIALIZER_FIELD_NUMBER, tensor);

        RtmlException refusal = refusal(write(model(graph)));

        assertThat(refusal.code()).isEqualTo(ErrorCode.EXTERNAL_DATA_NOT_SUPPORTED);
        assertThat(refusal.getMessage()).contains("initializer 'w'", "'/etc/passwd'",
                "onnx.save_model(model, path, save_as_external_data=False)");
    }

    @Test
    void refusesExternalDataOfAConstantInsideASubgraph() throws IOException {
        // No data_location here: an external_data entry alone is enough for ONNX Runtime to open the file.
        ProtoBuilder secret = floatTensor("", 1)
                .message(TensorProto.EXTERNAL_DATA_FIELD_NUMBER, entry("location", "../../secret"));
        ProtoBuilder ifNode = ProtoBuilder.ifOfConstants(secret, 1);
        ProtoBuilder graph = message().message(GraphProto.NODE_FIELD_NUMBER, ifNode)
                .message(GraphProto.INPUT_FIELD_NUMBER, tensorValue("cond", BOOL))
                .message(GraphProto.OUTPUT_FIELD_NUMBER, tensorValue("y", FLOAT, 1L));

        RtmlException refusal = refusal(write(model(graph)));

        assertThat(refusal.code()).isEqualTo(ErrorCode.EXTERNAL_DATA_NOT_SUPPORTED);
        assertThat(refusal.getMessage()).contains("attribute 'value'", "'../../secret'", "save_as_external_data=False");
    }

    @Test
    void refusesAnInitializerDeclaringTwoToTheFortyElements() throws IOException {
        RtmlException refusal = refusal(write(model(identityGraph()
                .message(GraphProto.INITIALIZER_FIELD_NUMBER, floatTensor("huge", 1L << 20, 1L << 20)))));

        assertThat(refusal.code()).isEqualTo(ErrorCode.MODEL_TOO_COMPLEX);
        assertThat(refusal.getMessage()).contains("initializer 'huge'", "1099511627776 elements", "[1048576 x 1048576]");
    }

    @Test
    void refusesDimsWhoseProductOverflows() throws IOException {
        RtmlException refusal = refusal(write(model(identityGraph()
                .message(GraphProto.INITIALIZER_FIELD_NUMBER, floatTensor("w", 1L << 40, 1L << 40)))));

        assertThat(refusal.code()).isEqualTo(ErrorCode.MODEL_TOO_COMPLEX);
        assertThat(refusal.getMessage()).contains("more than 2^63 elements");
    }

    @Test
    void stopsAtTheDepthLimitOfSubgraphsNestedTenThousandDeep() throws IOException {
        Path file = write(DeepModels.nestedSubgraphs(10_000));

        long start = System.nanoTime();
        RtmlException refusal = refusal(file);

        // Only "stops early rather than walking all 10,000 levels"; how fast is for the benchmarks.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(refusal.code()).isEqualTo(ErrorCode.MODEL_TOO_COMPLEX);
        assertThat(refusal.getMessage()).contains("nest more than 32 levels");
    }

    @Test
    void stopsAtTheDepthLimitOfTypesNestedTenThousandDeep() throws IOException {
        RtmlException refusal = refusal(write(DeepModels.nestedSequenceType(10_000)));

        assertThat(refusal.code()).isEqualTo(ErrorCode.MODEL_TOO_COMPLEX);
        assertThat(refusal.getMessage()).contains("value type");
    }

    @Test
    void refusesMoreNodesThanTheLimit() throws IOException {
        ProtoBuilder graph = message().message(GraphProto.INPUT_FIELD_NUMBER, tensorValue("v0", FLOAT, 1L));
        for (int i = 0; i < 11; i++) {
            graph.message(GraphProto.NODE_FIELD_NUMBER, node("Identity", new String[] {"v" + i}, "v" + (i + 1)));
        }
        graph.message(GraphProto.OUTPUT_FIELD_NUMBER, tensorValue("v11", FLOAT, 1L));
        Path file = write(model(graph));

        RtmlException refusal = Refused.by(() -> new OnnxInspector(new InspectionLimits(32, 1L << 31, 10)).inspect(file));

        assertThat(refusal.code()).isEqualTo(ErrorCode.MODEL_TOO_COMPLEX);
        assertThat(refusal.getMessage()).contains("more than 10 nodes");
        assertThat(INSPECTOR.inspect(file).inputs()).extracting(ValueSpec::name).containsExactly("v0");
    }

    @Test
    void refusesAnEmptyFile() throws IOException {
        RtmlException refusal = refusal(Files.write(dir.resolve("empty.onnx"), new byte[0]));

        assertThat(refusal.code()).isEqualTo(ErrorCode.EMPTY_ARTIFACT);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 20240601})
    void refusesRandomBytes(long seed) throws IOException {
        byte[] noise = new byte[4096];
        new Random(seed).nextBytes(noise);

        RtmlException refusal = refusal(Files.write(dir.resolve("noise.onnx"), noise));

        assertThat(refusal.code()).isEqualTo(ErrorCode.NOT_ONNX);
        assertThat(refusal.getMessage()).startsWith("the file is not an ONNX model: ");
    }

    @Test
    void namesAZipArchiveForWhatItIs() throws IOException {
        byte[] zip = {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

        RtmlException refusal = refusal(Files.write(dir.resolve("model.onnx"), zip));

        assertThat(refusal.code()).isEqualTo(ErrorCode.NOT_ONNX);
        assertThat(refusal.getMessage()).contains("ZIP archive");
    }

    @Test
    void refusesAFileCutShortInsideASkippedTensor() throws IOException {
        // The cut falls inside raw_data, which the walk skips by seeking: the skip must notice the end.
        ProtoBuilder tensor = floatTensor("w", 1L << 18).bytes(TensorProto.RAW_DATA_FIELD_NUMBER, new byte[1 << 20]);
        byte[] whole = model(identityGraph().message(GraphProto.INITIALIZER_FIELD_NUMBER, tensor)).toByteArray();
        Path file = Files.write(dir.resolve("cut.onnx"), Arrays.copyOf(whole, whole.length - 4096));

        RtmlException refusal = refusal(file);

        assertThat(refusal.code()).isEqualTo(ErrorCode.NOT_ONNX);
        assertThat(refusal.getMessage()).contains("ends in the middle of a protobuf message");
    }

    @Test
    void refusesProtobufWithoutAGraph() throws IOException {
        assertThat(refusal(write(message()
                .varint(ModelProto.IR_VERSION_FIELD_NUMBER, 8)
                .message(ModelProto.OPSET_IMPORT_FIELD_NUMBER, ProtoBuilder.opset("", 13)))).getMessage())
                .isEqualTo("the file is not an ONNX model: it contains no graph (IR version 8)");
        assertThat(refusal(write(message()
                .string(ModelProto.PRODUCER_NAME_FIELD_NUMBER, "someone")
                .message(ModelProto.GRAPH_FIELD_NUMBER, identityGraph()))).getMessage())
                .contains("no IR version");
    }

    @Test
    void leavesOutInputsThatAreInitializers() throws IOException {
        ProtoBuilder graph = message()
                .message(GraphProto.NODE_FIELD_NUMBER, node("Add", new String[] {"x", "bias"}, "y"))
                .message(GraphProto.INITIALIZER_FIELD_NUMBER, floatTensor("bias", 3)
                        .bytes(TensorProto.RAW_DATA_FIELD_NUMBER, new byte[12]))
                .message(GraphProto.INPUT_FIELD_NUMBER, tensorValue("x", FLOAT, "N", 3L))
                .message(GraphProto.INPUT_FIELD_NUMBER, tensorValue("bias", FLOAT, 3L))
                .message(GraphProto.OUTPUT_FIELD_NUMBER, tensorValue("y", FLOAT, "N", 3L));

        ModelSignature signature = INSPECTOR.inspect(write(model(graph)));

        assertThat(signature.inputs()).containsExactly(new ValueSpec("x", "tensor(float)", "FP32", List.of("N", 3L)));
        assertThat(signature.opsetImports()).containsExactly(new OpsetImport("ai.onnx", 13));
    }

    private Path write(ProtoBuilder model) throws IOException {
        return write(model.toByteArray());
    }

    private Path write(byte[] bytes) throws IOException {
        return Files.write(Files.createTempFile(dir, "model", ".onnx"), bytes);
    }

    private static RtmlException refusal(Path file) {
        return Refused.by(() -> INSPECTOR.inspect(file));
    }
}
