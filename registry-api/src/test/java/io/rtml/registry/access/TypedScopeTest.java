package io.rtml.registry.access;

import static io.rtml.registry.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.registry.RegistryApiTest;
import io.rtml.testing.ReferenceModels;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, item 2: scopes name a kind (model, service, target), so a name of one kind never
 * stands for another, and binding a service to a model needs read rights on that model.
 */
class TypedScopeTest extends RegistryApiTest {

    @Test
    void aTokenForATargetCannotCreateAServiceOfTheSameNameBoundToAnotherTeamsModel() {
        String target = uniqueName("edge-eu");
        String otherTeamsModel = model(uniqueName("team-b.fraud"));
        api().postJson("/api/v1/targets", Map.of("name", target, "kind", "EDGE", "region", "eu",
                "baseUrl", "http://127.0.0.1:7101"));
        String targetToken = token(List.of("deployer"), List.of("target:" + target));

        assertProblem(api(targetToken).postJson("/api/v1/services", Map.of("name", target, "model", otherTeamsModel)),
                403, "FORBIDDEN");
        assertThat(api(targetToken).get("/api/v1/targets/" + target + "/desired-state").status()).isEqualTo(200);
        assertThat(api().get("/api/v1/services/" + target).status()).isEqualTo(404);
    }

    @Test
    void anUntypedScopeNamingAServiceStillCannotBindItToAModelOutsideItsScope() {
        String service = uniqueName("edge-us");
        String otherTeamsModel = model(uniqueName("team-b.churn"));
        String old = token(List.of("deployer"), List.of(service));

        assertProblem(api(old).postJson("/api/v1/services", Map.of("name", service, "model", otherTeamsModel)),
                403, "FORBIDDEN");
        assertThat(api().get("/api/v1/services/" + service).status()).isEqualTo(404);
    }

    @Test
    void aScopedDeployerBindsItsServicesOnlyToModelsItMayRead() {
        String team = uniqueName("team-a");
        String own = model(team + ".iris");
        String foreign = model(uniqueName("team-b") + ".iris");
        String servicesOnly = token(List.of("deployer"), List.of("service:" + team + ".*"));
        String both = token(List.of("deployer"), List.of("service:" + team + ".*", "model:" + team + ".*"));

        assertProblem(api(servicesOnly).postJson("/api/v1/services", Map.of("name", team + ".svc1", "model", own)),
                403, "FORBIDDEN");
        assertProblem(api(both).postJson("/api/v1/services", Map.of("name", team + ".svc2", "model", foreign)),
                403, "FORBIDDEN");
        assertThat(api(both).postJson("/api/v1/services", Map.of("name", team + ".svc3", "model", own)).status())
                .isEqualTo(201);
        assertProblem(api(both).postJson("/api/v1/services", Map.of("name", uniqueName("other"), "model", own)),
                403, "FORBIDDEN");
    }

    @Test
    void typedModelScopesLimitPublishersAndOldUntypedScopesWorkAsBefore() {
        String team = uniqueName("team-c");
        String typed = token(List.of("publisher"), List.of("model:" + team + ".*"));
        String serviceTyped = token(List.of("publisher"), List.of("service:" + team + ".*"));
        String untyped = token(List.of("publisher"), List.of(team + ".*"));

        assertThat(api(typed).postJson("/api/v1/models", Map.of("name", team + ".a")).status()).isEqualTo(201);
        assertProblem(api(typed).postJson("/api/v1/models", Map.of("name", uniqueName("team-d") + ".a")), 403,
                "FORBIDDEN");
        assertProblem(api(serviceTyped).postJson("/api/v1/models", Map.of("name", team + ".b")), 403, "FORBIDDEN");
        assertThat(api(untyped).postJson("/api/v1/models", Map.of("name", team + ".c")).status()).isEqualTo(201);
    }

    @Test
    void untypedScopesNeverCoverTargetsAndUnknownKindsAreRefused() {
        String target = uniqueName("hub");
        api().postJson("/api/v1/targets", Map.of("name", target, "kind", "HUB", "region", "central",
                "baseUrl", "http://127.0.0.1:7102"));
        String untyped = token(List.of("deployer"), List.of(target));

        assertProblem(api(untyped).get("/api/v1/targets/" + target + "/desired-state"), 403, "FORBIDDEN");
        assertProblem(api().postJson("/api/v1/tokens", Map.of("name", uniqueName("x"), "roles", List.of("deployer"),
                "scopes", List.of("bucket:" + target))), 400, "VALIDATION_FAILED");
        assertProblem(api().postJson("/api/v1/tokens", Map.of("name", uniqueName("x"), "roles", List.of("deployer"),
                "scopes", List.of("target:"))), 400, "VALIDATION_FAILED");
    }

    private String model(String name) {
        assertThat(api().postJson("/api/v1/models", Map.of("name", name)).status()).isEqualTo(201);
        api().uploadRaw("/api/v1/models/" + name + "/versions", ReferenceModels.bundled("sklearn_rf_iris_zipmap").readBytes());
        return name;
    }

    private String token(List<String> roles, List<String> scopes) {
        var response = api().postJson("/api/v1/tokens", Map.of("name", uniqueName("t"), "roles", roles, "scopes", scopes));
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json().path("secret").asString();
    }
}
