package io.rtml.scoring.runtime;

import static io.rtml.testing.ProtoBuilder.entry;
import static io.rtml.testing.ProtoBuilder.floatTensor;
import static io.rtml.testing.ProtoBuilder.message;
import static io.rtml.testing.ProtoBuilder.model;
import static io.rtml.testing.ProtoBuilder.node;
import static io.rtml.testing.ProtoBuilder.tensorValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.TensorProto;
import io.rtml.scoring.bench.EmbeddingModel;
import io.rtml.testing.ProtoBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A session is created from a directory of its own: the model, its weights, nothing else. */
class SessionFilesTest {

    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    @TempDir
    Path artifacts;
    @TempDir
    Path sessions;

    @Test
    void aLargeModelLoadsFromASmallCopyThatPointsIntoTheLinkedArtifact() throws Exception {
        EmbeddingModel model = EmbeddingModel.write(artifacts.resolve("big.onnx"), 4 << 20);
        Files.writeString(artifacts.resolve("other-artifact.onnx"), "not for this session");

        Path dir;
        try (SessionFiles files = SessionFiles.create(sessions, model.file(), new byte[0], true);
                OrtSession session = ENV.createSession(files.model().toString(), new OrtSession.SessionOptions())) {
            dir = files.dir();
            assertThat(names(dir)).containsExactlyInAnyOrder(SessionFiles.WEIGHTS, SessionFiles.MODEL);
            assertThat(files.model()).isEqualTo(dir.resolve(SessionFiles.MODEL));
            assertThat(files.mapsWeights()).isTrue();
            assertThat(Files.size(files.model())).as("the copy without the weights").isLessThan(4096);
            assertThat(Files.isSameFile(dir.resolve(SessionFiles.WEIGHTS), model.file())).as("a hard link").isTrue();
            try (OnnxTensor ids = OnnxTensor.createTensor(ENV, new long[] {7, 65535});
                    OrtSession.Result result = session.run(Map.of("ids", ids))) {
                float[][] y = (float[][]) result.get(0).getValue();
                assertThat(y[0]).containsOnly(7f);
                assertThat(y[1]).containsOnly(65535f);
            }
        }
        assertThat(dir).doesNotExist();
        assertThat(model.file()).exists();
    }

    @Test
    void anExternalReferenceThatGotPastTheWalkFindsNothingBesideTheModel() throws IOException {
        // Bypasses the walk on purpose: the directory is the second line of defence.
        Files.writeString(artifacts.resolve("secret.bin"), "0123456789abcdef0123456789abcdef");
        ProtoBuilder w = floatTensor("w", 4)
                .message(TensorProto.EXTERNAL_DATA_FIELD_NUMBER, entry("location", "secret.bin"))
                .message(TensorProto.EXTERNAL_DATA_FIELD_NUMBER, entry("offset", "0"))
                .message(TensorProto.EXTERNAL_DATA_FIELD_NUMBER, entry("length", "16"))
                .varint(TensorProto.DATA_LOCATION_FIELD_NUMBER, TensorProto.DataLocation.EXTERNAL_VALUE);
        ProtoBuilder graph = message()
                .message(GraphProto.NODE_FIELD_NUMBER, node("Add", new String[] {"x", "w"}, "y"))
                .string(GraphProto.NAME_FIELD_NUMBER, "leak")
                .message(GraphProto.INITIALIZER_FIELD_NUMBER, w)
                .message(GraphProto.INPUT_FIELD_NUMBER, tensorValue("x", FLOAT, 1L, 4L))
                .message(GraphProto.OUTPUT_FIELD_NUMBER, tensorValue("y", FLOAT, 1L, 4L));
        Path artifact = Files.write(artifacts.resolve("leak.onnx"), model(graph).toByteArray());

        try (SessionFiles files = SessionFiles.create(sessions, artifact, new byte[0], true)) {
            assertThat(names(files.dir())).containsExactly(SessionFiles.WEIGHTS);
            assertThatThrownBy(() -> ENV.createSession(files.model().toString(), new OrtSession.SessionOptions()).close())
                    .isInstanceOf(OrtException.class);
        }
    }

    @Test
    void leftoversOfAStoppedNodeAreDeleted() throws IOException {
        Path stale = Files.createDirectories(sessions.resolve("session-123"));
        Files.writeString(stale.resolve(SessionFiles.MODEL), "x");

        SessionFiles.prepareRoot(sessions);

        assertThat(stale).doesNotExist();
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }
}
