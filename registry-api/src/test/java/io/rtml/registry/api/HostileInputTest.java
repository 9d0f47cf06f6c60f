package io.rtml.registry.api;

import static io.rtml.registry.ProblemAssert.assertProblem;
import static io.rtml.testing.ProtoBuilder.entry;
import static io.rtml.testing.ProtoBuilder.floatTensor;
import static io.rtml.testing.ProtoBuilder.identityGraph;
import static io.rtml.testing.ProtoBuilder.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.TensorProto;
import io.rtml.registry.RegistryApiTest;
import io.rtml.testing.ProtoBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.params.provider.ValueSource;

/** Input meant to hurt: each case gets a clear 4xx and leaves no row, object or temp file behind. */
class HostileInputTest extends RegistryApiTest {

    private String model;

    @BeforeEach
    void createModel() {
        model = uniqueName("target");
        api().postJson("/api/v1/models", Map.of("name", model));
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "a%00b", "%D0%B0pple", "UPPER", "x%20y"})
    void hostileNamesInPathsAreRefusedAsProblems(String name) {
        var response = api().get("/api/v1/models/" + name);
        assertThat(response.status()).as(response.text()).isBetween(400, 404);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("code").asString()).isNotBlank();
    }

    @Test
    void aTenThousandCharacterNameIsRefused() {
        assertProblem(api().postJson("/api/v1/models", Map.of("name", "a".repeat(10_000))), 400, "INVALID_NAME");
    }

    @Test
    void jsonNestedTenThousandDeepIsRefusedWithoutBlowingTheStack() {
        String deep = "{\"name\":\"x\",\"tags\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
        assertProblem(api().postJson("/api/v1/models", deep), 400, "MALFORMED_REQUEST");
        assertThat(api().get("/api/v1/models").status()).isEqualTo(200);
    }

    @Test
    void aFractionWhereAWholeNumberBelongsIsRefusedNamingTheFieldNotTruncated() {
        String deployments = "/api/v1/services/" + uniqueName("svc") + "/deployments";
        JsonNode problem = assertProblem(api().postJson(deployments, "{\"version\":1.5}"), 400, "MALFORMED_REQUEST");
        assertThat(problem.path("errors").get(0).path("field").asString()).isEqualTo("version");
        assertThat(problem.path("detail").asString()).contains("1.5");

        problem = assertProblem(api().postJson(deployments, "{\"version\":1,\"maxFailedPercent\":12.5}"), 400,
                "MALFORMED_REQUEST");
        assertThat(problem.path("errors").get(0).path("field").asString()).isEqualTo("maxFailedPercent");

        problem = assertProblem(api().postJson(deployments, "{\"version\":1,\"waves\":[{\"percent\":50.5}]}"),
                400, "MALFORMED_REQUEST");
        assertThat(problem.path("errors").get(0).path("field").asString()).isEqualTo("waves[0].percent");
    }

    @Test
    void aHundredMegabyteJsonBodyIsRefusedBeforeItIsRead() {
        byte[] huge = new byte[100 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) ' ');
        assertProblem(api().send("POST", "/api/v1/models", "application/json", huge), 413, "PAYLOAD_TOO_LARGE");
    }

    @Test
    void aChunkedJsonBodyIsCutOffAtTheLimit() throws IOException {
        String head = "POST /api/v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ADMIN_TOKEN
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = " ".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
            try {
                for (int i = 0; i < 48; i++) { // 3 MB of whitespace, over the 1 MB limit
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException serverClosedEarly) {
                // the server may stop reading once it has answered
            }
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 413").contains("PAYLOAD_TOO_LARGE");
        }
    }

    @ParameterizedTest(name = "SHA-256 declared: {0}")
    @ValueSource(booleans = {false, true})
    void anUploadThatStopsHalfwayLeavesNoRowNoObjectAndNoTempFile(boolean declareSha256) throws Exception {
        long rows = versionRows();
        long objects = storedObjects();
        // With a declared SHA-256 the registry PUTs to S3 while the body arrives: that PUT must come to nothing.
        String sha256 = declareSha256 ? "Content-SHA256: " + "ab".repeat(32) + "\r\n" : "";
        String head = "POST /api/v1/models/" + model + "/versions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + ADMIN_TOKEN + "\r\nContent-Type: application/octet-stream\r\nContent-Length: 4000000\r\n" + sha256 + "\r\n";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(new byte[1_000_000]);
            socket.getOutputStream().flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> spoolFiles() > 0);
        } // the client goes away with three quarters of the body unsent

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(spoolFiles()).isZero());
        assertThat(versionRows()).isEqualTo(rows);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(storedObjects()).isEqualTo(objects));
        assertThat(api().get("/api/v1/models/" + model).json().path("latestVersion").asInt()).isZero();
    }

    @Test
    void modelsReferringToExternalDataAreRefusedWithoutReadingTheFile() {
        for (String location : new String[] {"/etc/passwd", "../../../../etc/shadow"}) {
            ProtoBuilder tensor = floatTensor("w", 4)
                    .message(TensorProto.EXTERNAL_DATA_FIELD_NUMBER, entry("location", location))
                    .varint(TensorProto.DATA_LOCATION_FIELD_NUMBER, TensorProto.DataLocation.EXTERNAL_VALUE);
            byte[] onnx = model(identityGraph().message(GraphProto.INITIALIZER_FIELD_NUMBER, tensor)).toByteArray();

            var response = api().uploadRaw("/api/v1/models/" + model + "/versions", onnx);

            assertThat(assertProblem(response, 422, "EXTERNAL_DATA_NOT_SUPPORTED").path("detail").asString())
                    .contains(location).doesNotContain("root:");
        }
    }

    @Test
    void aModelDeclaringATrillionElementTensorIsRefused() {
        byte[] onnx = model(identityGraph()
                .message(GraphProto.INITIALIZER_FIELD_NUMBER, floatTensor("huge", 1L << 20, 1L << 20))).toByteArray();
        assertProblem(api().uploadRaw("/api/v1/models/" + model + "/versions", onnx), 422, "MODEL_TOO_COMPLEX");
    }

    /** Spool files and multipart temp files (SPOOL_DIR/multipart, a folder that stays). */
    private static long spoolFiles() throws IOException {
        try (Stream<java.nio.file.Path> files = Files.walk(SPOOL_DIR)) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
