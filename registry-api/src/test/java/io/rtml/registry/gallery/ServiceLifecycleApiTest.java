package io.rtml.registry.gallery;

import static io.rtml.registry.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.registry.RegistryApiTest;
import io.rtml.testing.ProtoBuilder;
import io.rtml.testing.ReferenceModels;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The ways out of every state of a service, as the registry records them: delete (at once when it
 * never reached a node, else an UNDEPLOY from every target it reached), undeploy from some
 * targets, rebind to another model with the signature check, and the model delete that names the
 * service holding it. The deployer's side of an UNDEPLOY is tested on real nodes in the deployer
 * module (UndeployTest); {@link #finish} writes what a deployer writes when a deployment succeeds.
 */
class ServiceLifecycleApiTest extends RegistryApiTest {

    private String model;
    private String service;
    private String hub;
    private String edge;

    @BeforeEach
    void registerModelTargetsAndService() {
        model = uniqueName("iris");
        service = uniqueName("iris-svc");
        hub = uniqueName("hub");
        edge = uniqueName("edge");
        api().postJson("/api/v1/models", Map.of("name", model));
        api().uploadRaw("/api/v1/models/" + model + "/versions", ReferenceModels.bundled("sklearn_rf_iris_zipmap").readBytes());
        api().postJson("/api/v1/targets", Map.of("name", hub, "kind", "HUB", "region", "central",
                "baseUrl", "http://127.0.0.1:1"));
        api().postJson("/api/v1/targets", Map.of("name", edge, "kind", "EDGE", "region", "eu",
                "baseUrl", "http://127.0.0.1:2"));
        assertThat(api().postJson("/api/v1/services", Map.of("name", service, "model", model)).status()).isEqualTo(201);
    }

    @Test
    void aServiceThatNeverReachedANodeIsDeletedAtOnceAndItsModelCanGo() {
        var blocked = assertProblem(api().delete("/api/v1/models/" + model), 409, "MODEL_IN_USE");
        assertThat(blocked.path("detail").asString()).contains("service '" + service + "'")
                .contains("DELETE /api/v1/services/").contains("PATCH /api/v1/services/");

        var deleted = api().delete("/api/v1/services/" + service);

        assertThat(deleted.status()).as(deleted.text()).isEqualTo(204);
        assertProblem(api().get("/api/v1/services/" + service), 404, "SERVICE_NOT_FOUND");
        assertProblem(api().delete("/api/v1/services/" + service), 404, "SERVICE_NOT_FOUND");
        assertThat(api().delete("/api/v1/models/" + model).status()).isEqualTo(204);
        assertThat(jdbc.queryForObject("select count(*) from audit_event where entity_name = ? and action = ?",
                Long.class, service, "service.delete")).isEqualTo(1);
    }

    @Test
    void deletingAServiceThatRanStartsAnUndeployFromEveryTargetItReached() {
        finish(deploy(Map.of("version", 1, "targets", List.of(hub))));
        long failed = deploy(Map.of("version", 1, "targets", List.of(edge)));
        deployer().fail(failed, "staging failed, nothing was activated");

        var deleting = api().delete("/api/v1/services/" + service);

        assertThat(deleting.status()).as(deleting.text()).isEqualTo(202);
        JsonNode undeploy = deleting.json();
        assertThat(deleting.header("Location")).endsWith("/deployments/" + undeploy.path("id").asLong());
        assertThat(undeploy.path("kind").asString()).isEqualTo("UNDEPLOY");
        assertThat(undeploy.path("version").asInt()).isZero();
        assertThat(undeploy.path("targets")).extracting(t -> t.path("target").asString())
                .as("the edge may hold a staged version from the failed deployment").containsExactlyInAnyOrder(hub, edge);
        assertThat(jdbc.queryForObject("select deletes_service from deployment where id = ?", Boolean.class,
                undeploy.path("id").asLong())).isTrue();
        assertProblem(api().delete("/api/v1/services/" + service), 409, "DEPLOYMENT_IN_PROGRESS");
        assertProblem(api().postJson("/api/v1/services/" + service + "/deployments", Map.of("version", 1)),
                409, "DEPLOYMENT_IN_PROGRESS");
        var blocked = assertProblem(api().delete("/api/v1/models/" + model), 409, "MODEL_IN_USE");
        assertThat(blocked.path("detail").asString()).contains("service '" + service + "'");
        assertThat(api().get("/api/v1/services/" + service).json().path("status").asString()).isEqualTo("DEPLOYING");
    }

    @Test
    void anUndeployTakesTheServiceOffTheNamedTargetsOnly() {
        finish(deploy(Map.of("version", 1, "targets", List.of(hub, edge))));

        var undeploy = api().postJson("/api/v1/services/" + service + "/deployments",
                Map.of("kind", "UNDEPLOY", "targets", List.of(edge)));

        assertThat(undeploy.status()).as(undeploy.text()).isEqualTo(202);
        assertThat(undeploy.json().path("kind").asString()).isEqualTo("UNDEPLOY");
        assertThat(undeploy.json().path("targets")).extracting(t -> t.path("target").asString()).containsExactly(edge);
        assertThat(undeploy.json().path("targets").get(0).path("previousVersion").asInt()).isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from audit_event where entity_name = ? and action = ?",
                Long.class, service, "undeploy.request")).isEqualTo(1);
    }

    @Test
    void undeployRequestsAreCheckedBeforeAnythingIsRecorded() {
        finish(deploy(Map.of("version", 1, "targets", List.of(hub))));
        String path = "/api/v1/services/" + service + "/deployments";
        long before = jdbc.queryForObject("select count(*) from deployment", Long.class);

        assertThat(assertProblem(api().postJson(path, Map.of("kind", "UNDEPLOY", "targets", List.of(edge))),
                400, "VALIDATION_FAILED").path("detail").asString()).contains("does not run on " + edge);
        assertProblem(api().postJson(path, Map.of("kind", "UNDEPLOY", "version", 1)), 400, "VALIDATION_FAILED");
        assertProblem(api().postJson(path, Map.of("kind", "UNDEPLOY", "targets", List.of("nowhere"))),
                400, "VALIDATION_FAILED");
        assertProblem(api().postJson(path, Map.of("kind", "ROLLBACK", "version", 1)), 400, "VALIDATION_FAILED");
        assertThat(api().postJson(path, Map.of("kind", "SIDEWAYS", "version", 1)).status()).isEqualTo(400);
        assertProblem(api().postJson("/api/v1/services/" + uniqueName("ghost") + "/deployments",
                Map.of("kind", "UNDEPLOY")), 404, "SERVICE_NOT_FOUND");
        assertThat(jdbc.queryForObject("select count(*) from deployment", Long.class)).isEqualTo(before);
    }

    @Test
    void aRebindToAModelWithOtherInputsIsRefusedUnlessForced() {
        finish(deploy(Map.of("version", 1, "targets", List.of(hub, edge))));
        String other = uniqueName("identity");
        api().postJson("/api/v1/models", Map.of("name", other));
        api().uploadRaw("/api/v1/models/" + other + "/versions", ProtoBuilder.model(ProtoBuilder.identityGraph()).toByteArray());

        var refused = assertProblem(api().patchJson("/api/v1/services/" + service, Map.of("model", other)),
                409, "SIGNATURE_MISMATCH");
        assertThat(refused.path("detail").asString()).contains("input 'float_input' is missing")
                .contains("new input 'x'").contains("\"force\": true");
        assertThat(api().get("/api/v1/services/" + service).json().path("model").asString()).isEqualTo(model);

        var forced = api().patchJson("/api/v1/services/" + service, Map.of("model", other, "force", true));
        assertThat(forced.status()).as(forced.text()).isEqualTo(200);
        assertThat(forced.json().path("previousModel").asString()).isEqualTo(model);
        assertThat(forced.json().path("warnings").toString()).contains("input 'float_input' is missing");
        assertThat(forced.json().path("service").path("model").asString()).isEqualTo(other);
    }

    @Test
    void aRebindToACompatibleModelFreesTheOldModelAndLeavesNothingToRepairTowards() {
        finish(deploy(Map.of("version", 1, "targets", List.of(hub, edge))));
        String retrained = uniqueName("iris-retrained");
        api().postJson("/api/v1/models", Map.of("name", retrained));
        api().uploadRaw("/api/v1/models/" + retrained + "/versions",
                ReferenceModels.bundled("sklearn_rf_iris_zipmap").readBytes());

        var rebound = api().patchJson("/api/v1/services/" + service, Map.of("model", retrained));

        assertThat(rebound.status()).as(rebound.text()).isEqualTo(200);
        assertThat(rebound.json().path("warnings")).isEmpty();
        JsonNode view = api().get("/api/v1/services/" + service).json();
        assertThat(view.path("model").asString()).isEqualTo(retrained);
        assertThat(view.path("targets")).allSatisfy(p -> {
            assertThat(p.path("activeVersion").asInt()).as("still serving until the next deployment").isEqualTo(1);
            assertThat(p.path("desiredVersion").isNull()).as("no repair towards the old model's numbers").isTrue();
        });
        assertProblem(api().postJson("/api/v1/services/" + service + "/rollback", Map.of()), 409, "NOTHING_TO_ROLL_BACK");
        assertThat(api().delete("/api/v1/models/" + model).status()).as("the old model is free").isEqualTo(204);
        assertProblem(api().patchJson("/api/v1/services/" + service, Map.of("model", uniqueName("none"))),
                404, "MODEL_NOT_FOUND");
        assertProblem(api().patchJson("/api/v1/services/" + service, Map.of()), 400, "VALIDATION_FAILED");
        assertThat(jdbc.queryForObject("select count(*) from audit_event where entity_name = ? and action = ?",
                Long.class, service, "service.rebind")).isEqualTo(1);
    }

    @Test
    void aDeploymentAfterARebindDoesNotTakeTheOldModelsNumberAsThePreviousVersion() {
        finish(deploy(Map.of("version", 1, "targets", List.of(hub, edge))));
        String retrained = uniqueName("iris-retrained");
        api().postJson("/api/v1/models", Map.of("name", retrained));
        api().uploadRaw("/api/v1/models/" + retrained + "/versions",
                ReferenceModels.bundled("sklearn_rf_iris_zipmap").readBytes());
        assertThat(api().patchJson("/api/v1/services/" + service, Map.of("model", retrained)).status()).isEqualTo(200);

        var deployed = api().postJson("/api/v1/services/" + service + "/deployments",
                Map.of("version", 1, "targets", List.of(hub, edge)));
        assertThat(deployed.status()).as(deployed.text()).isEqualTo(202);
        assertThat(deployed.json().path("targets")).hasSize(2).allSatisfy(t -> assertThat(t.path("previousVersion")
                .isNumber()).as("version 1 of the old model is nothing an undeploy could restore: " + t).isFalse());
        long id = deployed.json().path("id").asLong();
        assertThat(jdbc.queryForObject("select count(*) from deployment_target where deployment_id = ?"
                + " and previous_version is not null", Long.class, id)).isZero();

        finish(id);
        assertProblem(api().postJson("/api/v1/services/" + service + "/rollback", Map.of()), 409, "NOTHING_TO_ROLL_BACK");
    }

    @Test
    void onlyDeployersDeleteUndeployAndRebind() {
        String secret = api().postJson("/api/v1/tokens", Map.of("name", uniqueName("pub"), "roles", List.of("publisher")))
                .json().path("secret").asString();
        assertProblem(api(secret).delete("/api/v1/services/" + service), 403, "FORBIDDEN");
        assertProblem(api(secret).patchJson("/api/v1/services/" + service, Map.of("model", model)), 403, "FORBIDDEN");
        assertProblem(api(secret).postJson("/api/v1/services/" + service + "/deployments", Map.of("kind", "UNDEPLOY")),
                403, "FORBIDDEN");
        assertThat(api().get("/api/v1/services/" + service).status()).isEqualTo(200);
    }

    private long deploy(Map<String, Object> body) {
        var response = api().postJson("/api/v1/services/" + service + "/deployments", body);
        assertThat(response.status()).as(response.text()).isEqualTo(202);
        return response.json().path("id").asLong();
    }
}
