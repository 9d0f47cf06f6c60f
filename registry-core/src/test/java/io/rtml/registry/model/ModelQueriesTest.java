package io.rtml.registry.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.registry.RegistryJpaTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Model search (text, tags, keyset paging) and the schema's rules for names and aliases, on PostgreSQL. */
@Import({ModelSearch.class, ModelQueriesTest.Json.class})
class ModelQueriesTest extends RegistryJpaTest {

    static class Json {
        @Bean
        JsonMapper jsonMapper() {
            return JsonMapper.builder().build();
        }
    }

    @Autowired
    ModelSearch search;

    @Autowired
    RegisteredModelRepository models;

    @Autowired
    ModelAliasRepository aliases;

    @Autowired
    JdbcTemplate jdbc;

    private String p;

    @BeforeEach
    void prefix() {
        p = "m" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void searchesNameAndDescriptionAndAndsTheTags() {
        model(p + "-churn", "Predicts CHURN of customers", "{\"team\":\"growth\",\"stage\":\"prod\"}");
        model(p + "-fraud", "card fraud", "{\"team\":\"risk\",\"stage\":\"prod\"}");
        model(p + "-ltv", "lifetime value", "{\"team\":\"growth\",\"stage\":\"dev\"}");

        assertThat(names(search.page(p, Map.of("team", "growth"), null, null, 10))).containsExactly(p + "-churn", p + "-ltv");
        assertThat(names(search.page(p, Map.of("team", "growth", "stage", "prod"), null, null, 10))).containsExactly(p + "-churn");
        assertThat(names(search.page("customers", Map.of(), null, null, 100))).contains(p + "-churn")
                .doesNotContain(p + "-fraud");
        assertThat(names(search.page(p + "-FRAUD", Map.of(), null, null, 10))).containsExactly(p + "-fraud");
    }

    @Test
    void likeWildcardsInTheTextAreLiteral() {
        model(p + "-a_b", "100% accurate", "{}");
        model(p + "-axb", "accurate", "{}");

        assertThat(names(search.page(p + "-a_b", Map.of(), null, null, 10))).containsExactly(p + "-a_b");
        assertThat(names(search.page("100%", Map.of(), null, null, 100))).contains(p + "-a_b").doesNotContain(p + "-axb");
    }

    @Test
    void pagesByNameAfterTheLastOneSeen() {
        for (int i = 1; i <= 5; i++) {
            model(p + "-" + i, "", "{\"page\":\"" + p + "\"}");
        }
        Map<String, String> tag = Map.of("page", p);

        List<RegisteredModel> first = search.page(null, tag, null, null, 2);
        List<RegisteredModel> second = search.page(null, tag, null, first.get(1).name(), 2);
        List<RegisteredModel> last = search.page(null, tag, null, second.get(1).name(), 2);

        assertThat(names(first)).containsExactly(p + "-1", p + "-2");
        assertThat(names(second)).containsExactly(p + "-3", p + "-4");
        assertThat(names(last)).containsExactly(p + "-5");
    }

    @Test
    void modelNamesAreUniqueAndWellFormedInTheSchema() {
        model(p, "", "{}");

        assertThat(refusal(() -> model(p, "", "{}"))).hasMessageContaining("registered_model_name_unique");
        assertThat(refusal(() -> model("-" + p, "", "{}"))).hasMessageContaining("registered_model_name_format");
    }

    @Test
    void anAliasNamesAnExistingVersionOfItsModelAndStartsWithALetter() {
        long id = model(p, "", "{}");
        version(id, 1);
        version(id, 2);
        alias(id, "champion", 2);
        alias(id, "challenger", 1);

        assertThat(aliases.findByKeyModelIdOrderByKeyAlias(id)).extracting(ModelAlias::alias)
                .containsExactly("challenger", "champion");
        assertThat(refusal(() -> alias(id, "shadow", 3))).hasMessageContaining("model_alias_version_exists");
        assertThat(refusal(() -> alias(id, "2nd", 1))).hasMessageContaining("model_alias_format");
        assertThat(refusal(() -> version(id, 2))).hasMessageContaining("model_version_number_unique");
    }

    @Test
    void deletingAVersionTakesItsAliasesAlong() {
        long id = model(p, "", "{}");
        version(id, 1);
        alias(id, "champion", 1);

        jdbc.update("DELETE FROM model_version WHERE model_id = ? AND version = 1", id);

        assertThat(aliases.findByKeyModelIdAndKeyAlias(id, "champion")).isEmpty();
    }

    @Test
    void listsTheServicesThatKeepAModelFromBeingDeleted() {
        long id = model(p, "", "{}");
        for (String service : List.of(p + "-b", p + "-a")) {
            jdbc.update("INSERT INTO service (name, model_id, created_at, created_by) VALUES (?, ?, now(), 't')", service, id);
        }

        assertThat(models.findServiceNamesUsing(id)).containsExactly(p + "-a", p + "-b");
        assertThat(refusal(() -> jdbc.update("DELETE FROM registered_model WHERE id = ?", id)))
                .hasMessageContaining("service_model_id_fkey");
    }

    private long model(String name, String description, String tags) {
        return jdbc.queryForObject("INSERT INTO registered_model (name, description, tags, latest_version, created_at,"
                + " created_by, updated_at) VALUES (?, ?, CAST(? AS jsonb), 0, now(), 't', now()) RETURNING id", Long.class,
                name, description, tags);
    }

    private void version(long modelId, int version) {
        String sha = "%064x".formatted(version);
        jdbc.update("INSERT INTO model_version (model_id, version, sha256, size_bytes, artifact_key, signature, created_at,"
                + " created_by, updated_at) VALUES (?, ?, ?, 1, ?, '{}', now(), 't', now())", modelId, version, sha,
                "artifacts/sha256/" + sha);
    }

    private void alias(long modelId, String alias, int version) {
        jdbc.update("INSERT INTO model_alias (model_id, alias, version, updated_at, updated_by) VALUES (?, ?, ?, now(), 't')",
                modelId, alias, version);
    }

    private static List<String> names(List<RegisteredModel> models) {
        return models.stream().map(RegisteredModel::name).toList();
    }
}
