package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * docs/node-openapi.yaml against a running node: every documented path, method and status is
 * answered by a real request here, and every JSON answer validates against the schema the
 * document gives for that status. A status the document does not list, or one it lists that no
 * request here produces, fails the test: the document and the node cannot drift apart.
 */
@OneNodeTest.NodeSettings({"rtml.scoring.api-keys=guarded=guard-key", "rtml.scoring.max-body-bytes=65536"})
class NodeOpenApiTest extends OneNodeTest {

    private static final Path DOCUMENT = Path.of("..", "docs", "node-openapi.yaml");
    private static final String IRIS = "{\"inputs\":[{\"name\":\"float_input\",\"datatype\":\"FP32\",\"shape\":[1,4],"
            + "\"data\":[5.1,3.5,1.4,0.2]}]}";
    private static final String IRIS_RECORDS = "{\"records\":[{\"float_input\":[5.1,3.5,1.4,0.2]}]}";
    private static final String TOKEN = "Bearer " + TestNode.TOKEN;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonNode document = readDocument();
    private final SchemaRegistry schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    /** "METHOD /template STATUS" for every answer seen. */
    private final Set<String> exercised = new TreeSet<>();

    @Test
    void everyDocumentedPathAndStatusIsAnsweredAsDocumented(@TempDir Path otherDataDir) {
        ReferenceModel iris = ReferenceModels.named("sklearn_rf_iris_zipmap");
        node.deploy(artifacts, "iris", 1, iris, null);
        node.deploy(artifacts, "guarded", 1, iris, null);
        String irisUrl = artifacts.put("iris-2.onnx", iris.readBytes());
        String failingUrl = artifacts.put("failing-1.onnx", FailingModel.bytes());
        byte[] failing = FailingModel.bytes();

        serverAndHealth();
        metadata();
        predictions(iris, irisUrl, failingUrl, failing);
        binaryTensors();
        staging(iris, irisUrl);
        splitsAndShadows();
        stateAndTelemetry();
        notReadyNode(otherDataDir);

        assertThat(exercised).as("documented paths and statuses no request here produced, or the other way round")
                .isEqualTo(documented());
    }

    private void serverAndHealth() {
        call("GET", "/v2", "/v2", null, 200);
        call("GET", "/v2/health/live", "/v2/health/live", null, 200);
        call("GET", "/v2/health/ready", "/v2/health/ready", null, 200);
    }

    private void metadata() {
        call("GET", "/v2/models/{model}", "/v2/models/iris", null, 200);
        call("GET", "/v2/models/{model}", "/v2/models/nothing-here", null, 404);
        call("GET", "/v2/models/{model}/versions/{version}", "/v2/models/iris/versions/1", null, 200);
        call("GET", "/v2/models/{model}/versions/{version}", "/v2/models/iris/versions/9", null, 404);
        call("GET", "/v2/models/{model}/ready", "/v2/models/iris/ready", null, 200);
        call("GET", "/v2/models/{model}/ready", "/v2/models/nothing-here/ready", null, 404);
        call("GET", "/v2/models/{model}/versions/{version}/ready", "/v2/models/iris/versions/1/ready", null, 200);
        call("GET", "/v2/models/{model}/versions/{version}/ready", "/v2/models/iris/versions/9/ready", null, 404);
    }

    private void predictions(ReferenceModel iris, String irisUrl, String failingUrl, byte[] failing) {
        String infer = "/v2/models/{model}/infer";
        call("POST", infer, "/v2/models/iris/infer", IRIS, 200);
        call("POST", infer, "/v2/models/iris/infer", IRIS.replace("FP32", "INT64"), 400);
        call("POST", infer, "/v2/models/guarded/infer", IRIS, 401);
        call("POST", infer, "/v2/models/guarded/infer", IRIS, 200, "X-API-Key", "guard-key");
        call("POST", infer, "/v2/models/nothing-here/infer", IRIS, 404);
        call("POST", infer, "/v2/models/iris/infer", "{\"inputs\":[" + " ".repeat(70_000) + "]}", 413);
        stageBody("failing", 1, failingUrl, sha256(failing), failing.length, 200);
        call("POST", "/admin/v1/activate", "/admin/v1/activate", "{\"service\":\"failing\",\"version\":1}", 200,
                "Authorization", TOKEN);
        // FailingModel answers two rows and fails inside ONNX Runtime for any other count.
        call("POST", infer, "/v2/models/failing/infer",
                "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,1],\"data\":[1]}]}", 500);
        // A service staged and never activated has no active version.
        stageBody("pending", 1, irisUrl, iris.sha256(), iris.bytes(), 200);
        call("POST", infer, "/v2/models/pending/infer", IRIS, 503);
        call("GET", "/v2/models/{model}/ready", "/v2/models/pending/ready", null, 503);

        String pinned = "/v2/models/{model}/versions/{version}/infer";
        call("POST", pinned, "/v2/models/iris/versions/1/infer", IRIS, 200);
        call("POST", pinned, "/v2/models/iris/versions/1/infer", "{\"inputs\":[]}", 400);
        call("POST", pinned, "/v2/models/iris/versions/9/infer", IRIS, 404);

        String records = "/v1/services/{service}/predict";
        call("POST", records, "/v1/services/iris/predict", IRIS_RECORDS, 200);
        call("POST", records, "/v1/services/iris/predict", "{\"records\":[{\"other\":1}]}", 400);
        call("POST", records, "/v1/services/guarded/predict", IRIS_RECORDS, 401);
        call("POST", records, "/v1/services/nothing-here/predict", IRIS_RECORDS, 404);
    }

    /**
     * The binary tensor extension: binary inputs after a JSON header, answered in binary (the JSON
     * header then the outputs' bytes) or, with no output asked for as binary, in plain JSON.
     */
    private void binaryTensors() {
        ByteBuffer floats = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : new float[] {5.1f, 3.5f, 1.4f, 0.2f}) {
            floats.putFloat(f);
        }
        String binaryInput = "{\"inputs\":[{\"name\":\"float_input\",\"datatype\":\"FP32\",\"shape\":[1,4],"
                + "\"parameters\":{\"binary_data_size\":16}}]";
        String binaryOut = binaryInput + ",\"parameters\":{\"binary_data_output\":true}}";
        String labelAsJson = binaryInput + ",\"parameters\":{\"binary_data_output\":true},"
                + "\"outputs\":[{\"name\":\"output_label\",\"parameters\":{\"binary_data\":false}},"
                + "{\"name\":\"output_probability\"}]}";
        String infer = "/v2/models/{model}/infer";
        String pinned = "/v2/models/{model}/versions/{version}/infer";
        byte[] data = floats.array();
        assertThat(binary(infer, "/v2/models/iris/infer", binaryOut, data, null, 200)).isEqualTo("application/octet-stream");
        assertThat(binary(infer, "/v2/models/iris/infer", labelAsJson, data, null, 200))
                .isEqualTo("application/octet-stream");
        assertThat(binary(infer, "/v2/models/iris/infer", binaryInput + "}", data, null, 200))
                .as("binary inputs, JSON outputs").startsWith("application/json");
        assertThat(binary(pinned, "/v2/models/iris/versions/1/infer", binaryOut, data, null, 200))
                .isEqualTo("application/octet-stream");
        binary(infer, "/v2/models/iris/infer", binaryOut, data, "ten", 400);
        binary(infer, "/v2/models/iris/infer", binaryOut, Arrays.copyOf(data, 8), null, 400);
        binary(pinned, "/v2/models/iris/versions/1/infer", binaryOut, data, "0", 400);
    }

    /**
     * Sends {@code json} then {@code data} with the JSON's length (or {@code headerValue}) in
     * {@code Inference-Header-Content-Length}, after checking that the operation documents the header
     * and the binary body, and that the JSON fits the documented header schema; the answer's content type.
     */
    private String binary(String template, String path, String json, byte[] data, String headerValue, int status) {
        JsonNode operation = resolve(document.path("paths").path(template).path("post"));
        assertThat(operation.path("parameters").findValuesAsString("name")).as(template)
                .contains("Inference-Header-Content-Length");
        JsonNode media = operation.at("/requestBody/content/application~1octet-stream");
        assertThat(media.isMissingNode()).as("%s documents a binary request body", template).isFalse();
        assertThat(schemas.getSchema(media.path("x-json-header")).validate(JsonMapper.shared().readTree(json)))
                .as("%s against the documented JSON header", json).isEmpty();
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        byte[] body = Arrays.copyOf(header, header.length + data.length);
        System.arraycopy(data, 0, body, header.length, data.length);
        return call(node.node.port(), "POST", template, path, "application/octet-stream", body, status,
                "Inference-Header-Content-Length", headerValue != null ? headerValue : Integer.toString(header.length));
    }

    private void staging(ReferenceModel iris, String irisUrl) {
        stageBody("iris", 2, irisUrl, iris.sha256(), iris.bytes(), 200);
        stageBody("iris", 2, irisUrl, "0".repeat(64), iris.bytes(), 409);
        stageBody("iris", 3, irisUrl, "1".repeat(64), iris.bytes(), 422);
        stageBody("iris", 3, "http://127.0.0.1:" + closedPort() + "/gone.onnx", "2".repeat(64), 10, 502);
        stageBody("iris", 3, irisUrl, "not-a-digest", iris.bytes(), 400);
        call("POST", "/admin/v1/stage", "/admin/v1/stage", "{}", 401, "Authorization", "Bearer wrong");
        String slowUrl = artifacts.put("slow-1.onnx", iris.readBytes());
        artifacts.hold();
        try {
            call("POST", "/admin/v1/stage", "/admin/v1/stage", stage("slow", 1, slowUrl, iris.sha256(), iris.bytes())
                    .put("waitMillis", 0).toString(), 202, "Authorization", TOKEN);
            call("POST", "/admin/v1/activate", "/admin/v1/activate", "{\"service\":\"slow\",\"version\":1}", 409,
                    "Authorization", TOKEN);
        } finally {
            artifacts.release();
        }

        String activate = "/admin/v1/activate";
        call("POST", activate, activate, "{\"service\":\"iris\"}", 400, "Authorization", TOKEN);
        call("POST", activate, activate, "{\"service\":\"iris\",\"version\":9}", 404, "Authorization", TOKEN);
        call("POST", activate, activate, "{\"service\":\"iris\",\"version\":1}", 401);

        String unload = "/admin/v1/unload";
        call("POST", unload, unload, "{\"service\":\"iris\",\"version\":1}", 409, "Authorization", TOKEN);
        call("POST", unload, unload, "{\"service\":\"iris\",\"version\":9}", 404, "Authorization", TOKEN);
        call("POST", unload, unload, "{\"service\":\"iris\",\"version\":1}", 401);
        stageBody("iris", 4, irisUrl, iris.sha256(), iris.bytes(), 200);
        call("POST", unload, unload, "{\"service\":\"iris\",\"version\":4}", 200, "Authorization", TOKEN);

        String remove = "/admin/v1/remove";
        call("POST", remove, remove, "{\"service\":\"pending\"}", 200, "Authorization", TOKEN);
        call("POST", remove, remove, "{\"service\":\"pending\"}", 401);
    }

    /** iris: version 1 active, version 2 staged (a standby) by {@link #staging}. */
    private void splitsAndShadows() {
        for (String what : List.of("traffic", "shadow")) {
            String template = "/admin/v1/services/{service}/" + what;
            String path = "/admin/v1/services/iris/" + what;
            call("PUT", template, path, "{\"candidate\":2,\"percent\":10}", 200, "Authorization", TOKEN);
            call("PUT", template, path, "{\"candidate\":2,\"percent\":101}", 400, "Authorization", TOKEN);
            call("PUT", template, path, "{\"candidate\":1,\"percent\":10}", 409, "Authorization", TOKEN);
            call("PUT", template, "/admin/v1/services/nothing-here/" + what, "{\"candidate\":2,\"percent\":10}", 404,
                    "Authorization", TOKEN);
            call("PUT", template, path, "{\"candidate\":2,\"percent\":10}", 401);
            call("DELETE", template, path, null, 200, "Authorization", TOKEN);
            call("DELETE", template, "/admin/v1/services/nothing-here/" + what, null, 404, "Authorization", TOKEN);
        }
    }

    private void stateAndTelemetry() {
        for (String path : List.of("/admin/v1/state", "/admin/v1/telemetry", "/metrics")) {
            call("GET", path, path, null, 200, "Authorization", TOKEN);
            call("GET", path, path, null, 401);
        }
    }

    /** A node that waits for a registry that does not answer: not ready, and says so. */
    private void notReadyNode(Path dataDir) {
        Map<String, String> settings = Map.of("rtml.scoring.registry.url", "http://127.0.0.1:" + closedPort(),
                "rtml.scoring.registry.token", "some-credential");
        try (TestNode waiting = TestNode.startLive(dataDir, settings)) {
            call(waiting.node.port(), "GET", "/v2/health/ready", "/v2/health/ready", null, 503);
        }
    }

    private void stageBody(String service, int version, String url, String sha256, long size, int status) {
        call("POST", "/admin/v1/stage", "/admin/v1/stage", stage(service, version, url, sha256, size).toString(), status,
                "Authorization", TOKEN);
    }

    private static ObjectNode stage(String service, int version, String url, String sha256, long size) {
        return JsonMapper.shared().createObjectNode().put("service", service).put("version", version)
                .put("versionId", service + "-v" + version).put("artifactUrl", url).put("sha256", sha256)
                .put("sizeBytes", size);
    }

    private void call(String method, String template, String path, String body, int status, String... headers) {
        call(node.node.port(), method, template, path, body, status, headers);
    }

    /**
     * Sends the request, expects {@code status}, and checks the answer against the document:
     * the status is documented for the operation, the body fits the schema given for it.
     */
    private void call(int port, String method, String template, String path, String body, int status,
            String... headers) {
        call(port, method, template, path, "application/json",
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), status, headers);
    }

    /** As above, with the body's content type; the answer's content type. */
    private String call(int port, String method, String template, String path, String contentType, byte[] body,
            int status, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", contentType)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        String what = method + " " + path + " → " + response.statusCode() + " " + type + " "
                + new String(response.body(), StandardCharsets.UTF_8);
        assertThat(response.statusCode()).as(what).isEqualTo(status);
        JsonNode documented = document.path("paths").path(template).path(method.toLowerCase())
                .path("responses").path(String.valueOf(status));
        assertThat(documented.isMissingNode()).as("%s %s %d is not in the document", method, template, status).isFalse();
        JsonNode content = resolve(documented).path("content");
        if (type.startsWith("application/octet-stream")) {
            checkBinary(resolve(documented), response, what);
        } else if (content.has("application/json")) {
            assertThat(type).as(what).startsWith("application/json");
            JsonNode schema = resolve(content.path("application/json").path("schema"));
            validate(schema, new String(response.body(), StandardCharsets.UTF_8), what);
        } else {
            assertThat(content.has("text/plain")).as(what).isTrue();
            assertThat(type).as(what).startsWith("text/plain");
        }
        exercised.add(method + " " + template + " " + status);
        return type;
    }

    /**
     * A binary answer (binary tensor extension): documented with its header; the JSON header fits
     * the documented schema, and the binary outputs' sizes add up to the rest of the body.
     */
    private void checkBinary(JsonNode documented, HttpResponse<byte[]> response, String what) {
        JsonNode media = documented.at("/content/application~1octet-stream");
        assertThat(media.isMissingNode()).as("%s: a binary answer is not documented", what).isFalse();
        assertThat(documented.path("headers").has("Inference-Header-Content-Length")).as(what).isTrue();
        int length = response.headers().firstValue("Inference-Header-Content-Length").map(Integer::parseInt)
                .orElseThrow(() -> new AssertionError(what + ": no Inference-Header-Content-Length"));
        String json = new String(response.body(), 0, length, StandardCharsets.UTF_8);
        validate(media.path("x-json-header"), json, what);
        long binary = 0;
        for (JsonNode output : JsonMapper.shared().readTree(json).path("outputs")) {
            binary += output.path("parameters").path("binary_data_size").asLong(0);
        }
        assertThat(binary).as("%s: binary_data_size of the outputs", what).isPositive()
                .isEqualTo(response.body().length - length);
    }

    private void validate(JsonNode schema, String json, String what) {
        List<com.networknt.schema.Error> errors = schemas.getSchema(schema).validate(JsonMapper.shared().readTree(json));
        assertThat(errors).as("%s against the documented schema", what).isEmpty();
    }

    /** Every "METHOD /template STATUS" the document lists. */
    private Set<String> documented() {
        Set<String> all = new TreeSet<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (op.getValue().has("responses")) {
                op.getValue().path("responses").propertyNames().forEach(status ->
                        all.add(op.getKey().toUpperCase() + " " + path.getKey() + " " + status));
            }
        }));
        return all;
    }

    /** The node with every local {@code $ref} replaced by what it points at (the document has no cycles). */
    private JsonNode resolve(JsonNode node) {
        if (node.isObject() && node.has("$ref")) {
            return resolve(document.at(node.path("$ref").asString().substring(1)));
        }
        if (node instanceof ObjectNode object) {
            ObjectNode copy = JsonMapper.shared().createObjectNode();
            object.properties().forEach(e -> copy.set(e.getKey(), resolve(e.getValue())));
            return copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = JsonMapper.shared().createArrayNode();
            array.forEach(e -> copy.add(resolve(e)));
            return copy;
        }
        return node;
    }

    private static JsonNode readDocument() {
        try {
            return YAMLMapper.builder().build().readTree(DOCUMENT.toFile());
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot read " + DOCUMENT.toAbsolutePath(), e);
        }
    }

    private static int closedPort() {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
