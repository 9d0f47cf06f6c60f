package io.rtml.registry.onnx;

import io.rtml.onnx.InspectionLimits;
import io.rtml.onnx.ModelSignature;
import io.rtml.onnx.OpsetImport;
import io.rtml.onnx.ValueSpec;
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

    private static final OnnxInspector INSPECTOR = new OnnxInspector(InspectionLimits.defaults());

    @TempDir
    Path dir;

    @Test
    void refusesAnInitializerWhoseDataLivesInAnAbsolutePath() throws IOException {
        ProtoBuilder tensor = floatTensor("w", 4).message(13, entry("location", "/etc/passwd")).varint(14, 1);
        ProtoBuilder graph = identityGraph().message(5, tensor);

        RtmlException refusal = refusal(write(model(graph)));

        assertThat(refusal.code()).isEqualTo(ErrorCode.EXTERNAL_DATA_NOT_SUPPORTED);
        assertThat(refusal.getMessage()).contains("initializer 'w'", "'/etc/passwd'",
                "onnx.save_model(model, path, save_as_external_data=False)");
    }

    @Test
    void refusesExternalDataOfAConstantInsideASubgraph() throws IOException {
        // No data_location here: an external_data entry alone is enough for ONNX Runtime to open the file.
        ProtoBuilder secret = floatTensor("", 1).message(13, entry("location", "../../secret"));
        ProtoBuilder constant = node("Constant", new String[0], "c")
                .message(5, message().string(1, "value").varint(20, 4).message(5, secret));
        ProtoBuilder branch = message().message(1, constant).message(12, tensorValue("c", 1, 1L));
        ProtoBuilder ifNode = node("If", new String[] {"cond"}, "y").string(3, "choose")
                .message(5, message().string(1, "then_branch").varint(20, 5).message(6, branch))
                .message(5, message().string(1, "else_branch").varint(20, 5).message(6, branch));
        ProtoBuilder graph = message().message(1, ifNode)
                .message(11, tensorValue("cond", 9)).message(12, tensorValue("y", 1, 1L));

        RtmlException refusal = refusal(write(model(graph)));

        assertThat(refusal.code()).isEqualTo(ErrorCode.EXTERNAL_DATA_NOT_SUPPORTED);
        assertThat(refusal.getMessage()).contains("attribute 'value'", "'../../secret'", "save_as_external_data=False");
    }

    @Test
    void refusesAnInitializerDeclaringTwoToTheFortyElements() throws IOException {
        RtmlException refusal = refusal(write(model(identityGraph().message(5, floatTensor("huge", 1L << 20, 1L << 20)))));

        assertThat(refusal.code()).isEqualTo(ErrorCode.MODEL_TOO_COMPLEX);
        assertThat(refusal.getMessage()).contains("initializer 'huge'", "1099511627776 elements", "[1048576 x 1048576]");
    }

    @Test
    void refusesDimsWhoseProductOverflows() throws IOException {
        RtmlException refusal = refusal(write(model(identityGraph().message(5, floatTensor("w", 1L << 40, 1L << 40)))));

        assertThat(refusal.code()).isEqualTo(ErrorCode.MODEL_TOO_COMPLEX);
        assertThat(refusal.getMessage()).contains("more than 2^63 elements");
    }

    @Test
    void stopsAtTheDepthLimitOfSubgraphsNestedTenThousandDeep() throws IOException {
        Path file = write(DeepModels.nestedSubgraphs(10_000));

        long start = System.nanoTime();
        RtmlException refusal = refusal(file);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
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
        ProtoBuilder graph = message().message(11, tensorValue("v0", 1, 1L));
        for (int i = 0; i < 11; i++) {
            graph.message(1, node("Identity", new String[] {"v" + i}, "v" + (i + 1)));
        }
        graph.message(12, tensorValue("v11", 1, 1L));
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
        byte[] whole = model(identityGraph().message(5, floatTensor("w", 1L << 18).bytes(9, new byte[1 << 20]))).toByteArray();
        Path file = Files.write(dir.resolve("cut.onnx"), Arrays.copyOf(whole, whole.length - 4096));

        RtmlException refusal = refusal(file);

        assertThat(refusal.code()).isEqualTo(ErrorCode.NOT_ONNX);
        assertThat(refusal.getMessage()).contains("ends in the middle of a protobuf message");
    }

    @Test
    void refusesProtobufWithoutAGraph() throws IOException {
        assertThat(refusal(write(message().varint(1, 8).message(8, ProtoBuilder.opset("", 13)))).getMessage())
                .isEqualTo("the file is not an ONNX model: it contains no graph (IR version 8)");
        assertThat(refusal(write(message().string(2, "someone").message(7, identityGraph()))).getMessage())
                .contains("no IR version");
    }

    @Test
    void leavesOutInputsThatAreInitializers() throws IOException {
        ProtoBuilder graph = message()
                .message(1, node("Add", new String[] {"x", "bias"}, "y"))
                .message(5, floatTensor("bias", 3).bytes(9, new byte[12]))
                .message(11, tensorValue("x", 1, "N", 3L))
                .message(11, tensorValue("bias", 1, 3L))
                .message(12, tensorValue("y", 1, "N", 3L));

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
