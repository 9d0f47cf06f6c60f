package io.rtml.registry.api;

import static io.rtml.registry.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.registry.ApiClient;
import io.rtml.registry.RegistryApiTest;
import io.rtml.testing.ReferenceModels;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 13 item 4: PostgreSQL refuses U+0000 in text, so a NUL character in any user string
 * (query parameter, page token, header, JSON field or key, form field) is a 400 problem before it
 * reaches the database, never a 500, and nothing is written.
 */
class NulCharacterTest extends RegistryApiTest {

    private static final String NUL = "\u0000";
    private static String model;
    private static String service;

    @BeforeEach
    void modelAndService() {
        if (model == null) {
            model = uniqueName("nul");
            service = uniqueName("nul-svc");
            api().postJson("/api/v1/models", Map.of("name", model));
            api().uploadRaw("/api/v1/models/" + model + "/versions",
                    ReferenceModels.bundled("sklearn_rf_iris_zipmap").readBytes());
            api().postJson("/api/v1/services", Map.of("name", service, "model", model));
            api().postJson("/api/v1/targets", Map.of("name", uniqueName("t"), "kind", "HUB", "region", "central",
                    "baseUrl", "http://127.0.0.1:1"));
        }
    }

    static Stream<Arguments> everyWayIn() {
        byte[] onnx = ReferenceModels.bundled("sklearn_rf_iris_zipmap").readBytes();
        return Stream.of(
                way("search text", a -> a.get("/api/v1/models?query=a%00b")),
                way("tag filter", a -> a.get("/api/v1/models?tag=team:%00")),
                way("page token", a -> a.get("/api/v1/models?pageToken=%00abc")),
                way("audit page token", a -> a.get("/api/v1/audit?pageToken=x%00")),
                way("gallery filter", a -> a.get("/api/v1/services?model=a%00&region=%00")),
                way("version tag filter", a -> a.get("/api/v1/models/" + model + "/versions?tag=a:%00")),
                way("model description", a -> a.postJson("/api/v1/models", Map.of("name", uniqueName("m"),
                        "description", "a" + NUL + "b"))),
                way("model tag key", a -> a.postJson("/api/v1/models", Map.of("name", uniqueName("m"),
                        "tags", Map.of("k" + NUL, "v")))),
                way("model tag value", a -> a.patchJson("/api/v1/models/" + model, Map.of("tags", Map.of("k", NUL)))),
                way("version description", a -> a.patchJson("/api/v1/models/" + model + "/versions/1",
                        Map.of("description", NUL))),
                way("service description", a -> a.postJson("/api/v1/services", Map.of("name", uniqueName("s"),
                        "model", model, "description", NUL))),
                way("target label", a -> a.postJson("/api/v1/targets", Map.of("name", uniqueName("t"), "kind", "EDGE",
                        "region", "eu", "baseUrl", "http://127.0.0.1:2", "labels", Map.of("tier", NUL)))),
                way("target region", a -> a.postJson("/api/v1/targets", Map.of("name", uniqueName("t"), "kind", "EDGE",
                        "region", "e" + NUL, "baseUrl", "http://127.0.0.1:2"))),
                way("token name", a -> a.postJson("/api/v1/tokens", Map.of("name", "t" + NUL, "roles",
                        List.of("viewer")))),
                way("deployment target names", a -> a.postJson("/api/v1/services/" + service + "/deployments",
                        Map.of("version", 1, "targets", List.of("t" + NUL)))),
                way("upload query description", a -> a.uploadRaw("/api/v1/models/" + model
                        + "/versions?description=a%00b", onnx)),
                way("upload form description", a -> a.uploadMultipart("/api/v1/models/" + model + "/versions", onnx,
                        "a" + NUL + "b")));
    }

    private static Arguments way(String name, Function<ApiClient, ApiClient.Response> request) {
        return Arguments.of(name, request);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyWayIn")
    void aNulCharacterIsA400ProblemAndNothingIsWritten(String way, Function<ApiClient, ApiClient.Response> request) {
        long versions = versionRows();
        long audits = jdbc.queryForObject("select count(*) from audit_event", Long.class);

        assertProblem(request.apply(api()), 400, "VALIDATION_FAILED");

        assertThat(versionRows()).isEqualTo(versions);
        assertThat(jdbc.queryForObject("select count(*) from audit_event", Long.class)).isEqualTo(audits);
    }

    @Test
    void aNameWithANulCharacterBreaksTheNamingRule() {
        assertProblem(api().postJson("/api/v1/services", Map.of("name", "s" + NUL, "model", model)), 400,
                "INVALID_NAME");
        assertProblem(api().postJson("/api/v1/targets", Map.of("name", "t" + NUL, "kind", "EDGE", "region", "eu",
                "baseUrl", "http://127.0.0.1:2")), 400, "INVALID_NAME");
    }

    @Test
    void aPageTokenThatDecodesToANulCharacterIsRefused() {
        // base64url of the bytes 00 61 62 63: no %00 in the query, a NUL once decoded
        for (String path : List.of("/api/v1/models", "/api/v1/services", "/api/v1/audit",
                "/api/v1/models/" + model + "/versions", "/api/v1/services/" + service + "/deployments")) {
            assertProblem(api().get(path + "?pageToken=AGFiYw"), 400, "INVALID_PAGE_TOKEN");
        }
    }

    @Test
    void aNulCharacterInAHeaderIsA400() throws Exception {
        String head = "GET /api/v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ADMIN_TOKEN
                + "\r\nX-Request-Note: a\u0000b\r\nConnection: close\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400").contains("application/problem+json");
        }
    }
}
