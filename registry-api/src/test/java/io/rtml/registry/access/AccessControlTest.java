package io.rtml.registry.access;

import static io.rtml.registry.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.registry.ApiClient;
import io.rtml.registry.RegistryApiTest;
import io.rtml.testing.ReferenceModels;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class AccessControlTest extends RegistryApiTest {

    @Test
    void noTokenOrAWrongTokenIs401AndAudited() {
        var missing = anonymous().get("/api/v1/models");
        assertProblem(missing, 401, "UNAUTHENTICATED");
        assertThat(missing.header("WWW-Authenticate")).startsWith("Bearer");
        assertProblem(api("rtml_not-a-real-token-at-all-000000000000").get("/api/v1/models"), 401, "UNAUTHENTICATED");
        assertProblem(anonymous().withHeader("Authorization", "Basic YWRtaW46YWRtaW4=").get("/api/v1/models"),
                401, "UNAUTHENTICATED");
        assertProblem(anonymous().get("/actuator/prometheus"), 401, "UNAUTHENTICATED");

        JsonNode event = api().get("/api/v1/audit?pageSize=1").json().path("items").get(0);
        assertThat(event.path("action").asString()).isEqualTo("access.unauthenticated");
        assertThat(event.path("actor").asString()).isEqualTo("anonymous");
        assertThat(event.path("clientAddress").asString()).isEqualTo("127.0.0.1");
    }

    @Test
    void healthIsOpenForProbes() {
        assertThat(anonymous().get("/actuator/health").status()).isEqualTo(200);
        assertThat(anonymous().get("/actuator/health/liveness").status()).isEqualTo(200);
    }

    @Test
    void aViewerReadsButCannotChangeAndTheRefusalIsAudited() {
        String viewer = token("viewer-" + uniqueName("t"), List.of("viewer"), List.of());
        String model = uniqueName("viewed");
        api().postJson("/api/v1/models", Map.of("name", model));

        assertThat(api(viewer).get("/api/v1/models/" + model).status()).isEqualTo(200);
        assertThat(api(viewer).get("/api/v1/audit").status()).isEqualTo(200);
        assertProblem(api(viewer).postJson("/api/v1/models", Map.of("name", uniqueName("nope"))), 403, "FORBIDDEN");
        assertProblem(api(viewer).patchJson("/api/v1/models/" + model, Map.of("description", "x")), 403, "FORBIDDEN");
        assertProblem(api(viewer).get("/api/v1/tokens"), 403, "FORBIDDEN");

        JsonNode event = api().get("/api/v1/audit?pageSize=1").json().path("items").get(0);
        assertThat(event.path("action").asString()).isEqualTo("access.forbidden");
        assertThat(event.path("actor").asString()).startsWith("token:viewer-");
        assertThat(event.path("entityName").asString()).isEqualTo("GET /api/v1/tokens");
    }

    @Test
    void aScopedPublisherWorksOnlyOnItsTeamsModelsAndCannotDelete() {
        String team = uniqueName("team");
        String publisher = token("ci-" + team, List.of("publisher"), List.of(team + ".*"));
        byte[] onnx = ReferenceModels.bundled("sklearn_titanic_pipeline").readBytes();

        assertThat(api(publisher).postJson("/api/v1/models", Map.of("name", team + ".fraud")).status()).isEqualTo(201);
        assertThat(api(publisher).uploadRaw("/api/v1/models/" + team + ".fraud/versions", onnx).status()).isEqualTo(201);
        assertThat(api(publisher).putJson("/api/v1/models/" + team + ".fraud/aliases/champion", Map.of("version", 1))
                .status()).isEqualTo(200);

        String other = uniqueName("other");
        api().postJson("/api/v1/models", Map.of("name", other));
        assertProblem(api(publisher).postJson("/api/v1/models", Map.of("name", uniqueName("elsewhere"))), 403, "FORBIDDEN");
        assertProblem(api(publisher).uploadRaw("/api/v1/models/" + other + "/versions", onnx), 403, "FORBIDDEN");
        assertProblem(api(publisher).delete("/api/v1/models/" + team + ".fraud"), 403, "FORBIDDEN");
        assertProblem(api(publisher).get("/api/v1/models/" + other), 403, "FORBIDDEN"); // reads follow the scopes too
        assertThat(api(publisher).get("/api/v1/models/" + team + ".fraud").status()).isEqualTo(200);
    }

    @Test
    void onlyAnUnscopedAdminManagesTokens() {
        String scopedAdmin = token("scoped-admin-" + uniqueName("t"), List.of("admin"), List.of("team-z.*"));
        assertProblem(api(scopedAdmin).postJson("/api/v1/tokens", Map.of("name", "x", "roles", List.of("admin"))),
                403, "FORBIDDEN");
        assertProblem(api().postJson("/api/v1/tokens", Map.of("name", "x", "roles", List.of("root"))),
                400, "VALIDATION_FAILED");
        assertProblem(api().postJson("/api/v1/tokens", Map.of("name", "x", "roles", List.of())), 400, "VALIDATION_FAILED");
        assertProblem(api().postJson("/api/v1/tokens", Map.of("name", "x", "roles", List.of("viewer"),
                "scopes", List.of("a*b"))), 400, "VALIDATION_FAILED");
    }

    @Test
    void theSecretIsShownOnceAndOnlyItsHashIsStored() {
        var created = api().postJson("/api/v1/tokens", Map.of("name", uniqueName("once"), "roles", List.of("viewer")));
        assertThat(created.status()).isEqualTo(201);
        String secret = created.json().path("secret").asString();
        assertThat(secret).startsWith("rtml_").hasSize(45);

        String listing = api().get("/api/v1/tokens").text();
        assertThat(listing).doesNotContain(secret).contains(secret.substring(0, 12));
        assertThat(jdbc.queryForObject("select count(*) from api_token where secret_hash = ? or prefix = ?", Long.class,
                secret, secret)).isZero();
    }

    @Test
    void aRevokedTokenFailsAtOnce() {
        var created = api().postJson("/api/v1/tokens", Map.of("name", uniqueName("revoked"), "roles", List.of("viewer")));
        String secret = created.json().path("secret").asString();
        long id = created.json().path("token").path("id").asLong();
        assertThat(api(secret).get("/api/v1/models").status()).isEqualTo(200);

        assertThat(api().delete("/api/v1/tokens/" + id).status()).isEqualTo(204);

        assertProblem(api(secret).get("/api/v1/models"), 401, "UNAUTHENTICATED");
        assertThat(api().get("/api/v1/audit?pageSize=5").text()).contains("token.revoke");
    }

    @Test
    void anExpiredTokenFails() {
        String expiresAt = Instant.now().plusSeconds(2).toString();
        var created = api().postJson("/api/v1/tokens", Map.of("name", uniqueName("short"), "roles", List.of("viewer"),
                "expiresAt", expiresAt));
        String secret = created.json().path("secret").asString();
        assertThat(api(secret).get("/api/v1/models").status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(
                () -> assertProblem(api(secret).get("/api/v1/models"), 401, "UNAUTHENTICATED"));
        assertProblem(api().postJson("/api/v1/tokens", Map.of("name", "past", "roles", List.of("viewer"),
                "expiresAt", "2020-01-01T00:00:00Z")), 400, "VALIDATION_FAILED");
    }

    @Test
    void everyMutationRecordsItsActor() {
        String publisher = token("auditor-" + uniqueName("t"), List.of("publisher"), List.of());
        String model = uniqueName("audited");
        api(publisher).postJson("/api/v1/models", Map.of("name", model));

        JsonNode event = api().get("/api/v1/audit?pageSize=1").json().path("items").get(0);
        assertThat(event.path("action").asString()).isEqualTo("model.create");
        assertThat(event.path("actor").asString()).startsWith("token:auditor-");
    }

    private String token(String name, List<String> roles, List<String> scopes) {
        ApiClient.Response created = api().postJson("/api/v1/tokens", Map.of("name", name, "roles", roles, "scopes", scopes));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().path("secret").asString();
    }
}
