package io.rtml.scoring;

import static io.rtml.testing.ProtoBuilder.entry;
import static io.rtml.testing.ProtoBuilder.floatTensor;
import static io.rtml.testing.ProtoBuilder.message;
import static io.rtml.testing.ProtoBuilder.model;
import static io.rtml.testing.ProtoBuilder.node;
import static io.rtml.testing.ProtoBuilder.tensorValue;
import static org.assertj.core.api.Assertions.assertThat;

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
        assertRefused(addGraph(floatTensor("w", 4).varint(14, 1)), "initializer 'w'", "external file");
    }

    @Test
    void refusesAConstantNodesTensorNamingAFile() {
        ProtoBuilder constant = node("Constant", new String[0], "w")
                .message(5, message().string(1, "value").varint(20, 4).message(5, external(floatTensor("", 4), "pom.xml")));
        ProtoBuilder graph = message().message(1, constant).message(1, node("Add", new String[] {"x", "w"}, "y"))
                .string(2, "leak").message(11, tensorValue("x", 1, 1L, 4L)).message(12, tensorValue("y", 1, 1L, 4L));
        assertRefused(graph, "attribute 'value'", "'pom.xml'");
    }

    @Test
    void refusesAConstantInsideAnIfBranchNamingAFile() {
        ProtoBuilder constant = node("Constant", new String[0], "c")
                .message(5, message().string(1, "value").varint(20, 4).message(5, external(floatTensor("", 4), "pom.xml")));
        ProtoBuilder branch = message().message(1, constant).message(12, tensorValue("c", 1, 4L));
        ProtoBuilder ifNode = node("If", new String[] {"cond"}, "y").string(3, "choose")
                .message(5, message().string(1, "then_branch").varint(20, 5).message(6, branch))
                .message(5, message().string(1, "else_branch").varint(20, 5).message(6, branch));
        ProtoBuilder graph = message().message(1, ifNode).string(2, "leak")
                .message(11, tensorValue("cond", 9, 1L)).message(12, tensorValue("y", 1, 4L));
        assertRefused(graph, "attribute 'value'", "'pom.xml'");
    }

    /** y = x + w, w a FLOAT[4] whose 16 bytes ONNX Runtime would read from {@code w}'s external file. */
    private static ProtoBuilder addGraph(ProtoBuilder w) {
        return message().message(1, node("Add", new String[] {"x", "w"}, "y")).string(2, "leak").message(5, w)
                .message(11, tensorValue("x", 1, 1L, 4L)).message(12, tensorValue("y", 1, 1L, 4L));
    }

    private static ProtoBuilder external(ProtoBuilder tensor, String location) {
        return tensor.message(13, entry("location", location)).message(13, entry("offset", "0"))
                .message(13, entry("length", "16")).varint(14, 1);
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
