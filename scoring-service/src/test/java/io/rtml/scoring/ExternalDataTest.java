package io.rtml.scoring;

import static io.rtml.testing.ProtoBuilder.entry;
import static io.rtml.testing.ProtoBuilder.floatTensor;
import static io.rtml.testing.ProtoBuilder.message;
import static io.rtml.testing.ProtoBuilder.model;
import static io.rtml.testing.ProtoBuilder.node;
import static io.rtml.testing.ProtoBuilder.tensorValue;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.onnx.proto.AttributeProto;
import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.NodeProto;
import io.rtml.onnx.proto.TensorProto;
import io.rtml.testing.ProtoBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model staged directly on a node whose tensors name external data is refused with 422 before
 * ONNX Runtime sees it, wherever the reference sits: a file in the node's working directory (this
 * module's pom.xml: the node runs in scoring-service/), one above it, an absolute path, a Constant
 * node's tensor, a Constant inside an If branch. Before, ONNX Runtime read those files relative to
 * the working directory and served their bytes as predictions.
 */
class ExternalDataTest extends OneNodeTest {

    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    private static final int BOOL = TensorProto.DataType.BOOL_VALUE;

    private static final AtomicInteger VERSIONS = new AtomicInteger();

    @TempDir
    Path dir;

    @Test
    void refusesAnInitializerNamingAFileInTheWorkingDirectory() {
        assertThat(Path.of("pom.xml")).as("the node's working directory has the file").exists();
        assertRefused(addGraph(external(floatTensor("w", 4), "pom.xml")), "initializer 'w'", "'pom.xml'");
    }

    @Test
    void refusesAnInitializerNamingAFileAboveTheWorkingDirectory() {
        assertRefused(addGraph(external(floatTensor("w", 4), "../pom.xml")), "initializer 'w'", "'../pom.xml'");
    }

    @Test
    void refusesAnInitializerNamingAnAbsolutePath() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.bin"), "s3cr3t-s3cr3t-s3cr3t");
        String location = secret.toAbsolutePath().toString();
        assertRefused(addGraph(external(floatTensor("w", 4), location)), "initializer 'w'", "'" + location + "'");
    }

    @Test
    void refusesAnInitializerMarkedExternalWithoutALocation() {
        ProtoBuilder w = floatTensor("w", 4)
                .varint(TensorProto.DATA_LOCATION_FIELD_NUMBER, TensorProto.DataLocation.EXTERNAL_VALUE);
        assertRefused(addGraph(w), "initializer 'w'", "external file");
    }

    @Test
    void refusesAConstantNodesTensorNamingAFile() {
        ProtoBuilder constant = node("Constant", new String[0], "w")
                .message(NodeProto.ATTRIBUTE_FIELD_NUMBER, message()
                        .string(AttributeProto.NAME_FIELD_NUMBER, "value")
                        .varint(AttributeProto.TYPE_FIELD_NUMBER, AttributeProto.AttributeType.TENSOR_VALUE)
                        .message(AttributeProto.T_FIELD_NUMBER, external(floatTensor("", 4), "pom.xml")));
        ProtoBuilder graph = message()
                .message(GraphProto.NODE_FIELD_NUMBER, constant)
                .message(GraphProto.NODE_FIELD_NUMBER, node("Add", new String[] {"x", "w"}, "y"))
                .string(GraphProto.NAME_FIELD_NUMBER, "leak")
                .message(GraphProto.INPUT_FIELD_NUMBER, tensorValue("x", FLOAT, 1L, 4L))
                .message(GraphProto.OUTPUT_FIELD_NUMBER, tensorValue("y", FLOAT, 1L, 4L));
        assertRefused(graph, "attribute 'value'", "'pom.xml'");
    }

    @Test
    void refusesAConstantInsideAnIfBranchNamingAFile() {
        ProtoBuilder ifNode = ProtoBuilder.ifOfConstants(external(floatTensor("", 4), "pom.xml"), 4);
        ProtoBuilder graph = message()
                .message(GraphProto.NODE_FIELD_NUMBER, ifNode).string(GraphProto.NAME_FIELD_NUMBER, "leak")
                .message(GraphProto.INPUT_FIELD_NUMBER, tensorValue("cond", BOOL, 1L))
                .message(GraphProto.OUTPUT_FIELD_NUMBER, tensorValue("y", FLOAT, 4L));
        assertRefused(graph, "attribute 'value'", "'pom.xml'");
    }

    /** y = x + w, w a FLOAT[4] whose 16 bytes ONNX Runtime would read from {@code w}'s external file. */
    private static ProtoBuilder addGraph(ProtoBuilder w) {
        return message()
                .message(GraphProto.NODE_FIELD_NUMBER, node("Add", new String[] {"x", "w"}, "y"))
                .string(GraphProto.NAME_FIELD_NUMBER, "leak").message(GraphProto.INITIALIZER_FIELD_NUMBER, w)
                .message(GraphProto.INPUT_FIELD_NUMBER, tensorValue("x", FLOAT, 1L, 4L))
                .message(GraphProto.OUTPUT_FIELD_NUMBER, tensorValue("y", FLOAT, 1L, 4L));
    }

    private static ProtoBuilder external(ProtoBuilder tensor, String location) {
        return tensor.message(TensorProto.EXTERNAL_DATA_FIELD_NUMBER, entry("location", location))
                .message(TensorProto.EXTERNAL_DATA_FIELD_NUMBER, entry("offset", "0"))
                .message(TensorProto.EXTERNAL_DATA_FIELD_NUMBER, entry("length", "16"))
                .varint(TensorProto.DATA_LOCATION_FIELD_NUMBER, TensorProto.DataLocation.EXTERNAL_VALUE);
    }

    private void assertRefused(ProtoBuilder graph, String... mentions) {
        byte[] bytes = model(graph).toByteArray();
        int version = VERSIONS.incrementAndGet();
        String url = artifacts.put("leak-" + version + ".onnx", bytes);

        NodeClient.Response staged = node.stage("leak", version, url, sha256(bytes), bytes.length, null);

        assertThat(staged.status()).as(staged.raw()).isEqualTo(422);
        assertThat(staged.error()).contains(mentions).contains("only self-contained .onnx files are loaded");
        assertThat(node.client.admin("GET", "/admin/v1/state", null).raw()).doesNotContain("\"leak\"");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
