package io.rtml.registry.apidocs;

import static io.rtml.registry.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.rtml.registry.RawConnection;
import io.rtml.registry.RegistryApiTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The registry's OpenAPI document: served without a token, committed as {@code docs/openapi.json}
 * (this test fails when the two differ, and rewrites the file when run with
 * {@code -Drtml.openapi.write=true}), and every operation documents its problem responses.
 */
class OpenApiDocumentTest extends RegistryApiTest {

    /** The one command that rewrites docs/openapi.json from the code, from a clean checkout. */
    static final String REGENERATE = "./mvnw -pl registry-api -am test -Dtest=OpenApiDocumentTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Drtml.openapi.write=true";

    private static final Path COMMITTED = Path.of("..", "docs", "openapi.json");
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    @Test
    void theCommittedDocumentIsWhatTheCodeServes() throws IOException {
        String served = canonical(served());
        if (Boolean.getBoolean("rtml.openapi.write")) {
            Files.writeString(COMMITTED, served, StandardCharsets.UTF_8);
            return;
        }
        String committed = Files.exists(COMMITTED) ? Files.readString(COMMITTED, StandardCharsets.UTF_8) : "{}";
        if (!committed.equals(served)) {
            fail("docs/openapi.json is not what the code serves at /v3/api-docs (first difference at "
                    + firstDifference(JSON.readTree(committed), JSON.readTree(served), "") + "); regenerate it with:\n  "
                    + REGENERATE);
        }
    }

    @Test
    void theDocumentIsTheSameOnEveryRequest() {
        assertThat(canonical(served())).isEqualTo(canonical(served()));
    }

    @Test
    void everyOperationDocumentsItsProblemsAndTheBearerScheme() {
        JsonNode doc = served();
        assertThat(doc.path("openapi").asString()).startsWith("3.1");
        assertThat(doc.at("/components/securitySchemes/bearer/scheme").asString()).isEqualTo("bearer");
        assertThat(doc.at("/security/0").has("bearer")).isTrue();
        Set<String> operationIds = new HashSet<>();
        int operations = 0;
        for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
            assertThat(path.getKey()).startsWith("/api/v1/");
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                String where = op.getKey() + " " + path.getKey();
                operations++;
                assertThat(operationIds.add(op.getValue().path("operationId").asString())).as(where + " operationId")
                        .isTrue();
                JsonNode responses = op.getValue().path("responses");
                // Every operation is behind the token filter: no token is 401, a node credential off its path 403.
                assertThat(responses.has("401")).as(where + " documents 401").isTrue();
                assertThat(responses.has("403")).as(where + " documents 403").isTrue();
                int problems = 0;
                for (Map.Entry<String, JsonNode> response : responses.properties()) {
                    if (response.getKey().startsWith("4") || response.getKey().startsWith("5")) {
                        problems++;
                        JsonNode problem = response.getValue().at("/content/application~1problem+json");
                        assertThat(problem.at("/schema/$ref").asString()).as(where + " " + response.getKey())
                                .isEqualTo("#/components/schemas/Problem");
                        for (Map.Entry<String, JsonNode> example : problem.path("examples").properties()) {
                            JsonNode value = doc.at("/components/examples/" + example.getKey() + "/value");
                            assertThat(value.path("status").asInt()).as(where + " " + example.getKey())
                                    .isEqualTo(Integer.parseInt(response.getKey()));
                        }
                        assertThat(problem.path("examples").size()).as(where + " " + response.getKey()).isPositive();
                    }
                }
                assertThat(problems).as(where + " problem responses").isGreaterThan(2);
            }
        }
        assertThat(operations).isGreaterThan(30);
    }

    @Test
    void theDocumentAndSwaggerUiNeedNoTokenAndOpenNothingElse() {
        assertThat(anonymous().get("/v3/api-docs").status()).isEqualTo(200);
        assertThat(api("not-a-token-at-all").get("/v3/api-docs").status()).isEqualTo(200);
        var ui = anonymous().get("/swagger-ui/index.html");
        assertThat(ui.status()).isEqualTo(200);
        assertThat(ui.contentType()).startsWith("text/html");
        assertThat(anonymous().get("/v3/api-docs/swagger-config").json().path("url").asString())
                .isEqualTo("/v3/api-docs");
        assertProblem(anonymous().postJson("/v3/api-docs", Map.of()), 401, "UNAUTHENTICATED");
        // A path the container resolves into the API is not a docs path.
        try (RawConnection raw = new RawConnection(port)) {
            raw.send("GET /swagger-ui/../api/v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(raw.status(Duration.ofSeconds(5))).isEqualTo(401);
        }
        try (RawConnection raw = new RawConnection(port)) {
            raw.send("GET /v3/api-docs/%2e%2e/%2e%2e/api/v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(raw.status(Duration.ofSeconds(5))).isIn(400, 401);
        }
    }

    private JsonNode served() {
        var response = anonymous().get("/v3/api-docs");
        assertThat(response.status()).isEqualTo(200);
        return response.json();
    }

    /** Keys sorted at every level, two-space indent, one final newline: the committed file's form. */
    static String canonical(JsonNode doc) {
        return JSON.writeValueAsString(sorted(doc)) + "\n";
    }

    private static JsonNode sorted(JsonNode node) {
        if (node instanceof ObjectNode object) {
            Map<String, JsonNode> fields = new TreeMap<>();
            object.properties().forEach(e -> fields.put(e.getKey(), sorted(e.getValue())));
            ObjectNode copy = JSON.createObjectNode();
            fields.forEach(copy::set);
            return copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = JSON.createArrayNode();
            array.forEach(e -> copy.add(sorted(e)));
            return copy;
        }
        return node;
    }

    /** The JSON pointer of the first place two documents differ, to say where to look. */
    private static String firstDifference(JsonNode a, JsonNode b, String at) {
        if (a.isObject() && b.isObject()) {
            Set<String> keys = new java.util.TreeSet<>();
            a.propertyNames().forEach(keys::add);
            b.propertyNames().forEach(keys::add);
            for (String key : keys) {
                if (!a.has(key) || !b.has(key)) {
                    return at + "/" + key + (a.has(key) ? " (only in the committed file)" : " (not in the committed file)");
                }
                if (!a.get(key).equals(b.get(key))) {
                    return firstDifference(a.get(key), b.get(key), at + "/" + key.replace("~", "~0").replace("/", "~1"));
                }
            }
        }
        if (a.isArray() && b.isArray()) {
            for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
                if (!a.get(i).equals(b.get(i))) {
                    return firstDifference(a.get(i), b.get(i), at + "/" + i);
                }
            }
        }
        return at.isEmpty() ? "/" : at;
    }
}
