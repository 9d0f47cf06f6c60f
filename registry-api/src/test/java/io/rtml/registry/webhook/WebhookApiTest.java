package io.rtml.registry.webhook;

import static io.rtml.registry.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.registry.ApiClient;
import io.rtml.registry.RegistryApiTest;
import io.rtml.testing.ReferenceModels;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Webhooks as an admin manages them: the secret shown once, the allow-list of targets, checked event types. */
class WebhookApiTest extends RegistryApiTest {

    @Test
    void theSecretIsShownOnceAndNeverAgain() {
        ApiClient.Response created = api().postJson("/api/v1/webhooks", Map.of("url", "http://127.0.0.1:9/ci",
                "eventTypes", List.of("alias.moved", "deployment.succeeded", "alias.moved"), "description", "CI"));

        assertThat(created.status()).as(created.text()).isEqualTo(201);
        JsonNode hook = created.json().path("webhook");
        long id = hook.path("id").asLong();
        assertThat(created.header("Location")).endsWith("/api/v1/webhooks/" + id);
        assertThat(created.json().path("secret").asString()).startsWith("rtml_whsec_").hasSizeGreaterThan(40);
        assertThat(hook.path("eventTypes")).extracting(JsonNode::asString)
                .containsExactly("alias.moved", "deployment.succeeded");
        assertThat(hook.path("createdBy").asString()).isEqualTo("token:bootstrap-admin");

        String listed = api().get("/api/v1/webhooks").text();
        String read = api().get("/api/v1/webhooks/" + id).text();
        assertThat(listed).contains("\"id\":" + id).doesNotContain(created.json().path("secret").asString())
                .doesNotContain("secret");
        assertThat(read).contains("\"url\":\"http://127.0.0.1:9/ci\"").doesNotContain("secret");

        assertThat(api().delete("/api/v1/webhooks/" + id).status()).isEqualTo(204);
        assertProblem(api().get("/api/v1/webhooks/" + id), 404, "WEBHOOK_NOT_FOUND");
        assertProblem(api().delete("/api/v1/webhooks/" + id), 404, "WEBHOOK_NOT_FOUND");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE entity_type = 'webhook' AND entity_name = ?",
                Long.class, String.valueOf(id))).isEqualTo(2);
    }

    @Test
    void aGivenSecretIsKeptAndNoTypesMeansEveryType() {
        String secret = "a-secret-the-receiver-already-has-0123";
        JsonNode created = api().postJson("/api/v1/webhooks", Map.of("url", "http://127.0.0.1:9/all", "secret", secret))
                .json();

        assertThat(created.path("secret").asString()).isEqualTo(secret);
        assertThat(created.path("webhook").path("eventTypes")).isEmpty();
        api().delete("/api/v1/webhooks/" + created.path("webhook").path("id").asLong());
    }

    @Test
    void eventsFanOutToTheWebhooksOfTheirTypeInTheirTransaction() {
        long aliases = api().postJson("/api/v1/webhooks", Map.of("url", "http://127.0.0.1:9/a",
                "eventTypes", List.of("alias.moved"))).json().path("webhook").path("id").asLong();
        long versions = api().postJson("/api/v1/webhooks", Map.of("url", "http://127.0.0.1:9/v",
                "eventTypes", List.of("version.created"))).json().path("webhook").path("id").asLong();
        String model = uniqueName("iris");
        api().postJson("/api/v1/models", Map.of("name", model));
        api().uploadRaw("/api/v1/models/" + model + "/versions", ReferenceModels.bundled("sklearn_rf_iris_zipmap").readBytes());
        api().putJson("/api/v1/models/" + model + "/aliases/champion", Map.of("version", 1));

        assertThat(deliveredTypes(aliases)).containsExactly("alias.moved");
        assertThat(deliveredTypes(versions)).containsExactly("version.created");
        JsonNode pending = api().get("/api/v1/webhooks/" + aliases + "/deliveries").json().get(0);
        assertThat(pending.path("status").asString()).isEqualTo("PENDING");
        assertThat(pending.path("attempts").asInt()).isZero();
        assertThat(api().get("/api/v1/webhooks/" + aliases).json().path("deliveries").path("pending").asLong()).isEqualTo(1);
        api().delete("/api/v1/webhooks/" + aliases);
        api().delete("/api/v1/webhooks/" + versions);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM webhook_delivery WHERE webhook_id IN (?, ?)", Long.class,
                aliases, versions)).as("deliveries go with their webhook").isZero();
    }

    @Test
    void urlsFollowTheTargetAllowListAndBadInputIsAProblem() {
        JsonNode refused = assertProblem(api().postJson("/api/v1/webhooks", Map.of("url", "http://10.1.2.3/hook")), 400,
                "VALIDATION_FAILED");
        assertThat(refused.path("errors").get(0).path("field").asString()).isEqualTo("url");
        assertThat(refused.path("detail").asString()).contains("rtml.targets.allowed-cidrs");
        assertProblem(api().postJson("/api/v1/webhooks", Map.of("url", "ftp://127.0.0.1/hook")), 400, "VALIDATION_FAILED");
        assertProblem(api().postJson("/api/v1/webhooks", Map.of("url", "http://user:pw@127.0.0.1/hook")), 400,
                "VALIDATION_FAILED");
        assertProblem(api().postJson("/api/v1/webhooks", Map.of("url", "not a url")), 400, "VALIDATION_FAILED");
        assertProblem(api().postJson("/api/v1/webhooks", Map.of("eventTypes", List.of())), 400, "VALIDATION_FAILED");
        JsonNode unknown = assertProblem(api().postJson("/api/v1/webhooks", Map.of("url", "http://127.0.0.1:9/x",
                "eventTypes", List.of("model.exploded"))), 400, "VALIDATION_FAILED");
        assertThat(unknown.path("errors").get(0).path("field").asString()).isEqualTo("eventTypes");
        assertProblem(api().postJson("/api/v1/webhooks", Map.of("url", "http://127.0.0.1:9/x", "secret", "short")), 400,
                "VALIDATION_FAILED");
        assertProblem(api().get("/api/v1/webhooks/abc"), 400, "MALFORMED_REQUEST");
        assertProblem(api().get("/api/v1/webhooks/1/deliveries?limit=0"), 400, "VALIDATION_FAILED");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM webhook WHERE url LIKE '%10.1.2.3%' OR url LIKE 'ftp%'",
                Long.class)).isZero();
    }

    @Test
    void onlyAnUnscopedAdminManagesWebhooks() {
        String deployer = api().postJson("/api/v1/tokens", Map.of("name", uniqueName("cd"), "roles", List.of("deployer")))
                .json().path("secret").asString();
        String scopedAdmin = api().postJson("/api/v1/tokens", Map.of("name", uniqueName("team-admin"),
                "roles", List.of("admin"), "scopes", List.of("team-a.*"))).json().path("secret").asString();

        assertProblem(api(deployer).postJson("/api/v1/webhooks", Map.of("url", "http://127.0.0.1:9/x")), 403, "FORBIDDEN");
        assertProblem(api(scopedAdmin).postJson("/api/v1/webhooks", Map.of("url", "http://127.0.0.1:9/x")), 403,
                "FORBIDDEN");
        assertProblem(api(deployer).get("/api/v1/webhooks"), 403, "FORBIDDEN");
        assertProblem(anonymous().get("/api/v1/webhooks"), 401, "UNAUTHENTICATED");
    }

    private List<String> deliveredTypes(long webhook) {
        return jdbc.queryForList("SELECT e.type FROM webhook_delivery d JOIN event e ON e.id = d.event_id"
                + " WHERE d.webhook_id = ? ORDER BY d.id", String.class, webhook);
    }
}
