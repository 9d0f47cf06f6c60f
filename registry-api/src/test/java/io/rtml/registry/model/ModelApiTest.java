package io.rtml.registry.model;

import static io.rtml.registry.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.registry.ApiClient;
import io.rtml.registry.RegistryApiTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

class ModelApiTest extends RegistryApiTest {

    @Test
    void createsReadsUpdatesAndDeletesAModel() {
        ApiClient api = api();
        String name = uniqueName("churn");

        var created = api.postJson("/api/v1/models", Map.of("name", name, "description", "predicts churn",
                "tags", Map.of("team", "growth")));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/api/v1/models/" + name);
        assertThat(created.json().path("latestVersion").asInt()).isZero();
        assertThat(created.json().path("createdBy").asString()).isEqualTo("token:bootstrap-admin");

        JsonNode read = api.get("/api/v1/models/" + name).json();
        assertThat(read.path("description").asString()).isEqualTo("predicts churn");
        assertThat(read.path("tags").path("team").asString()).isEqualTo("growth");

        JsonNode patched = api.patchJson("/api/v1/models/" + name, Map.of("tags", Map.of("team", "risk"))).json();
        assertThat(patched.path("tags").path("team").asString()).isEqualTo("risk");
        assertThat(patched.path("description").asString()).as("left out, so unchanged").isEqualTo("predicts churn");

        assertThat(api.delete("/api/v1/models/" + name).status()).isEqualTo(204);
        assertProblem(api.get("/api/v1/models/" + name), 404, "MODEL_NOT_FOUND");
        assertProblem(api.delete("/api/v1/models/" + name), 404, "MODEL_NOT_FOUND");
    }

    @Test
    void refusesADuplicateNameWithConflict() {
        String name = uniqueName("dup");
        assertThat(api().postJson("/api/v1/models", Map.of("name", name)).status()).isEqualTo(201);
        assertProblem(api().postJson("/api/v1/models", Map.of("name", name)), 409, "MODEL_ALREADY_EXISTS");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Upper", "has space", "..", ".hidden", "a/b", "a%2Fb", "nul\u0000byte", "caf\u00e9",
        "\u0430pple", "-leading-dash", "x123456789x123456789x123456789x123456789x123456789x1234567890123"})
    void refusesNamesThatBreakTheRuleAndSaysWhatTheRuleIs(String name) {
        JsonNode problem = assertProblem(api().postJson("/api/v1/models", Map.of("name", name)), 400, "INVALID_NAME");
        assertThat(problem.path("detail").asString()).contains("lowercase letters a-z, digits");
        assertThat(problem.path("errors").get(0).path("field").asString()).isEqualTo("name");
    }

    @Test
    void acceptsNamesAtTheEdgesOfTheRule() {
        String longest = "m" + uniqueName("").replace("-", "") + "x".repeat(63);
        for (String name : List.of(uniqueName("a.b_c"), longest.substring(0, 63))) {
            assertThat(api().postJson("/api/v1/models", Map.of("name", name)).status()).as(name).isEqualTo(201);
        }
    }

    @Test
    void refusesAMissingNameAndUnreadableJson() {
        assertProblem(api().postJson("/api/v1/models", Map.of("description", "no name")), 400, "VALIDATION_FAILED");
        assertProblem(api().postJson("/api/v1/models", "{\"name\": "), 400, "MALFORMED_REQUEST");
        assertProblem(api().postJson("/api/v1/models", Map.of("name", uniqueName("t"), "tags", Map.of("bad key!", "v"))),
                400, "VALIDATION_FAILED");
    }

    @Test
    void pagesThroughModelsInNameOrderWithoutGapsOrRepeats() {
        String prefix = uniqueName("page");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            names.add(prefix + "-" + i);
            api().postJson("/api/v1/models", Map.of("name", prefix + "-" + i, "tags", Map.of("suite", prefix)));
        }
        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String url = "/api/v1/models?tag=suite:" + prefix + "&pageSize=3" + (token == null ? "" : "&pageToken=" + token);
            JsonNode page = api().get(url).json();
            page.path("items").forEach(m -> seen.add(m.path("name").asString()));
            token = page.path("nextPageToken").isNull() ? null : page.path("nextPageToken").asString();
            pages++;
        } while (token != null);
        assertThat(seen).containsExactlyElementsOf(names);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void searchesByTextAndCombinesTagFilters() {
        String prefix = uniqueName("search");
        api().postJson("/api/v1/models", Map.of("name", prefix + "-fraud", "description", "Card FRAUD scoring",
                "tags", Map.of("team", "risk", "tier", "gold")));
        api().postJson("/api/v1/models", Map.of("name", prefix + "-churn", "tags", Map.of("team", "risk", "tier", "silver")));

        assertThat(names(api().get("/api/v1/models?query=" + prefix + "-fr"))).containsExactly(prefix + "-fraud");
        assertThat(names(api().get("/api/v1/models?query=card%20fraud"))).contains(prefix + "-fraud");
        assertThat(names(api().get("/api/v1/models?query=" + prefix + "&tag=team:risk&tag=tier:silver")))
                .containsExactly(prefix + "-churn");
        assertThat(names(api().get("/api/v1/models?query=" + prefix + "%25"))).as("% is literal").isEmpty();
    }

    @Test
    void refusesBadPagingParameters() {
        assertProblem(api().get("/api/v1/models?pageToken=not*base64"), 400, "INVALID_PAGE_TOKEN");
        assertProblem(api().get("/api/v1/models?pageSize=0"), 400, "VALIDATION_FAILED");
        assertProblem(api().get("/api/v1/models?pageSize=100000"), 400, "VALIDATION_FAILED");
        assertProblem(api().get("/api/v1/models?tag=novalue"), 400, "VALIDATION_FAILED");
    }

    @Test
    void searchParametersAreNeverSql() {
        String name = uniqueName("safe");
        api().postJson("/api/v1/models", Map.of("name", name));
        long before = jdbc.queryForObject("select count(*) from registered_model", Long.class);
        for (String attack : List.of("'; DROP TABLE registered_model; --", "x' OR '1'='1", "\\", "%_%")) {
            String encoded = java.net.URLEncoder.encode(attack, java.nio.charset.StandardCharsets.UTF_8);
            assertThat(api().get("/api/v1/models?query=" + encoded).status()).isEqualTo(200);
            assertThat(api().get("/api/v1/models?tag=k:" + encoded).status()).isEqualTo(200);
        }
        assertThat(jdbc.queryForObject("select count(*) from registered_model", Long.class)).isEqualTo(before);
        assertThat(api().get("/api/v1/models/" + name).status()).isEqualTo(200);
    }

    private static List<String> names(ApiClient.Response response) {
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        response.json().path("items").forEach(m -> names.add(m.path("name").asString()));
        return names;
    }
}
