package io.rtml.registry.api;

import static io.rtml.registry.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.registry.RegistryApiTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Errors raised anywhere, not only in controllers, come out as problem details with a stable code. */
class ErrorFormatTest extends RegistryApiTest {

    @Test
    void unknownPathIs404Problem() {
        assertProblem(api().get("/api/v1/nothing-here"), 404, "NOT_FOUND");
        assertProblem(api().get("/no/such/page"), 404, "NOT_FOUND");
    }

    @Test
    void wrongMethodIs405Problem() {
        var response = api().sendJson("PUT", "/api/v1/models", Map.of("name", "x"));
        assertProblem(response, 405, "METHOD_NOT_ALLOWED");
        assertThat(response.header("Allow")).contains("GET").contains("POST");
    }

    @Test
    void wrongContentTypeIs415Problem() {
        assertProblem(api().send("POST", "/api/v1/models", "text/plain", "name=x".getBytes()), 415,
                "UNSUPPORTED_MEDIA_TYPE");
    }

    @Test
    void oversizedRawUploadIs413ProblemBeforeTheBodyIsRead() throws Exception {
        String model = uniqueName("big");
        api().postJson("/api/v1/models", Map.of("name", model));
        long rows = versionRows();
        String head = "POST /api/v1/models/" + model + "/versions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + ADMIN_TOKEN + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + (MAX_UPLOAD + 1)
                + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n";

        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            // like curl, wait for '100 Continue' before sending: the answer must come from the declared length alone
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(answer).contains("HTTP/1.1 413").contains("application/problem+json").contains("PAYLOAD_TOO_LARGE");
        }
        assertThat(versionRows()).isEqualTo(rows);
    }

    @Test
    void oversizedMultipartUploadIs413Problem() {
        String model = uniqueName("bigform");
        api().postJson("/api/v1/models", Map.of("name", model));

        var response = api().uploadMultipart("/api/v1/models/" + model + "/versions", new byte[(int) MAX_UPLOAD + 1], null);

        assertProblem(response, 413, "PAYLOAD_TOO_LARGE");
    }
}
