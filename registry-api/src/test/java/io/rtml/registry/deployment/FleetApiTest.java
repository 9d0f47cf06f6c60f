package io.rtml.registry.deployment;

import static io.rtml.registry.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.TensorProto;
import io.rtml.registry.RegistryApiTest;
import io.rtml.testing.ProtoBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Fleets through the API: label selectors (and their 400 problems), deployments in waves, and a
 * service's selector; the deployer's side is tested in the deployer module with real nodes (FleetTest).
 */
class FleetApiTest extends RegistryApiTest {

    private String service;
    private String model;
    private String fleet;
    private String hub;
    private String eu;
    private String us;
    private String asia;

    @BeforeEach
    void aFleetAndAServiceWithTwoVersions() {
        model = uniqueName("fleet-model");
        service = uniqueName("fleet-svc");
        fleet = uniqueName("f");
        api().postJson("/api/v1/models", Map.of("name", model));
        for (int i = 0; i < 2; i++) {
            var upload = api().uploadRaw("/api/v1/models/" + model + "/versions", identity());
            assertThat(upload.status()).as(upload.text()).isEqualTo(201);
        }
        hub = target("HUB", "central", Map.of("fleet", fleet));
        eu = target("EDGE", "eu", Map.of("fleet", fleet, "tier", "edge", "canary", "true"));
        us = target("EDGE", "us", Map.of("fleet", fleet, "tier", "edge"));
        asia = target("EDGE", "asia", Map.of("fleet", fleet, "tier", "edge"));
        assertThat(api().postJson("/api/v1/services", Map.of("name", service, "model", model)).status()).isEqualTo(201);
    }

    @Test
    void aSelectorChoosesTheTargetsByLabelsKindAndRegion() {
        JsonNode accepted = deploy(Map.of("version", 1,
                "selector", "fleet=" + fleet + ",tier=edge,region in (eu,us)"));
        assertThat(names(accepted)).containsExactlyInAnyOrder(eu, us);
        finish(accepted.path("id").asLong());

        JsonNode hubOnly = deploy(Map.of("version", 2, "targets", Map.of("selector", "fleet=" + fleet + ",kind=hub")));
        assertThat(names(hubOnly)).containsExactly(hub);
        finish(hubOnly.path("id").asLong());

        JsonNode notCanary = deploy(Map.of("version", 2, "selector", "fleet=" + fleet + ",!canary,region notin (us)"));
        assertThat(names(notCanary)).containsExactlyInAnyOrder(hub, asia);
    }

    @Test
    void badSelectorsAre400ProblemsSayingWhereAndWhy() {
        long before = jdbc.queryForObject("select count(*) from deployment", Long.class);
        String path = "/api/v1/services/" + service + "/deployments";

        JsonNode problem = assertProblem(api().postJson(path, Map.of("version", 1, "selector", "tier in (eu")), 400,
                "VALIDATION_FAILED");
        assertThat(problem.path("detail").asString()).isEqualTo("selector: selector 'tier in (eu' is not valid at"
                + " position 12: expected ',' or ')' in the list of values; the list is not closed");
        assertThat(problem.path("errors").get(0).path("field").asString()).isEqualTo("selector");
        assertThat(problem.path("errors").get(0).path("message").asString()).startsWith("position 12: ");

        problem = assertProblem(api().postJson(path, Map.of("version", 1, "targets", Map.of("selector", "tier=edge,"))),
                400, "VALIDATION_FAILED");
        assertThat(problem.path("errors").get(0).path("field").asString()).isEqualTo("targets.selector");
        assertThat(problem.path("errors").get(0).path("message").asString())
                .isEqualTo("position 11: expected a requirement after ','");

        problem = assertProblem(api().postJson(path, Map.of("version", 1, "waves", List.of(
                Map.of("selector", "kind hub"), Map.of("percent", 120)))), 400, "VALIDATION_FAILED");
        assertThat(problem.path("errors").get(0).path("field").asString()).isEqualTo("waves[0].selector");
        assertThat(problem.path("errors").get(0).path("message").asString()).contains("position 6");
        assertThat(problem.path("errors").get(1).path("field").asString()).isEqualTo("waves[1].percent");

        problem = assertProblem(api().postJson(path, Map.of("version", 1, "selector", "region on (eu)")), 400,
                "VALIDATION_FAILED");
        assertThat(problem.path("errors").get(0).path("message").asString()).isEqualTo(
                "position 8: expected '=', '==', '!=', 'in' or 'notin' after key 'region', found 'on'");

        assertProblem(api().postJson(path, Map.of("version", 1, "selector", "fleet=" + fleet + ",tier=none")), 400,
                "VALIDATION_FAILED");
        assertProblem(api().postJson(path, Map.of("version", 1, "offline", "later")), 400, "VALIDATION_FAILED");
        assertProblem(api().postJson(path, Map.of("version", 1, "maxFailedPercent", 101)), 400, "VALIDATION_FAILED");
        problem = assertProblem(api().postJson(path, Map.of("version", 1, "waves", List.of(Map.of("percent", 100)),
                "strategy", Map.of("type", "canary", "steps", List.of(10, 100)))), 400, "VALIDATION_FAILED");
        assertThat(problem.path("detail").asString()).startsWith("waves and offline are not combined with a rollout");
        assertThat(jdbc.queryForObject("select count(*) from deployment", Long.class)).isEqualTo(before);

        problem = assertProblem(api().postJson("/api/v1/services", Map.of("name", uniqueName("bad"), "model", model,
                "selector", "tier=edge,,x")), 400, "VALIDATION_FAILED");
        assertThat(problem.path("errors").get(0).path("message").asString()).startsWith("position 11: ");
        assertProblem(api().patchJson("/api/v1/services/" + service, Map.of("selector", "!")), 400, "VALIDATION_FAILED");
    }

    @Test
    void wavesAreStoredWithEachTargetsWaveAndShownWithTheirProgress() {
        JsonNode accepted = deploy(Map.of("version", 1, "selector", "fleet=" + fleet,
                "waves", List.of(Map.of("selector", "kind=hub"), Map.of("selector", "canary=true"),
                        Map.of("percent", 75), Map.of("percent", 100)),
                "bakeSeconds", 30, "maxFailedPercent", 25, "offline", "converge"));

        assertThat(accepted.path("plan").path("bakeSeconds").asInt()).isEqualTo(30);
        assertThat(accepted.path("plan").path("maxFailedPercent").asInt()).isEqualTo(25);
        assertThat(accepted.path("plan").path("offline").asString()).isEqualTo("converge");
        Map<String, Integer> waveOf = new java.util.HashMap<>();
        accepted.path("targets").forEach(t -> waveOf.put(t.path("target").asString(), t.path("wave").asInt()));
        // hub; the canary; then up to 3 of the 4 (asia before us by name); then the rest
        assertThat(waveOf).containsExactlyInAnyOrderEntriesOf(Map.of(hub, 1, eu, 2, asia, 3, us, 4));
        JsonNode waves = accepted.path("waves");
        assertThat(waves).hasSize(4);
        assertThat(waves.get(0).path("selector").asString()).isEqualTo("kind=hub");
        assertThat(waves.get(2).path("percent").asInt()).isEqualTo(75);
        assertThat(waves.get(3).path("targets").asInt()).isEqualTo(1);
        assertThat(waves.get(3).path("pending").asInt()).isEqualTo(1);
    }

    @Test
    void aRollbackCarriesTheOfflinePolicyInAOneWavePlanAndStaysAllOrNothingWithoutIt() {
        finish(deploy(Map.of("version", 1, "selector", "fleet=" + fleet)).path("id").asLong());
        finish(deploy(Map.of("version", 2, "selector", "fleet=" + fleet)).path("id").asLong());
        String path = "/api/v1/services/" + service + "/rollback";
        long before = jdbc.queryForObject("select count(*) from deployment", Long.class);

        JsonNode problem = assertProblem(api().postJson(path, Map.of("offline", "later")), 400, "VALIDATION_FAILED");
        assertThat(problem.path("errors").get(0).path("field").asString()).isEqualTo("offline");
        assertThat(jdbc.queryForObject("select count(*) from deployment", Long.class)).isEqualTo(before);

        var converging = api().postJson(path, Map.of("offline", "converge"));
        assertThat(converging.status()).as(converging.text()).isEqualTo(202);
        JsonNode accepted = converging.json();
        assertThat(accepted.path("kind").asString()).isEqualTo("ROLLBACK");
        assertThat(accepted.path("version").asInt()).isEqualTo(1);
        assertThat(accepted.path("plan").path("offline").asString()).isEqualTo("converge");
        assertThat(accepted.path("plan").path("waves")).hasSize(1);
        assertThat(names(accepted)).containsExactlyInAnyOrder(hub, eu, us, asia);
        finish(accepted.path("id").asLong());

        var plain = api().postJson(path, Map.of("toVersion", 2));
        assertThat(plain.status()).as(plain.text()).isEqualTo(202);
        assertThat(plain.json().path("plan").isNull() || plain.json().path("plan").isMissingNode()).isTrue();
    }

    @Test
    void eachWaveAnswersWhenItStartedAndFinishedAndHowLongItTookNullUntilReached() {
        JsonNode accepted = deploy(Map.of("version", 1, "selector", "fleet=" + fleet,
                "waves", List.of(Map.of("selector", "kind=hub"), Map.of("percent", 100)), "bakeSeconds", 30));
        for (JsonNode wave : accepted.path("waves")) {
            assertThat(wave.has("startedAt") && wave.path("startedAt").isNull()).as(wave.toString()).isTrue();
            assertThat(wave.has("finishedAt") && wave.path("finishedAt").isNull()).isTrue();
            assertThat(wave.has("durationMs") && wave.path("durationMs").isNull()).isTrue();
        }
        // each wave counts its own targets (the targets' waves count from 1, as the waves do)
        assertThat(accepted.path("waves").get(0).path("targets").asInt()).isEqualTo(1);
        assertThat(accepted.path("waves").get(1).path("targets").asInt()).isEqualTo(3);
        assertThat(accepted.path("waves").get(1).path("pending").asInt()).isEqualTo(3);
        assertThat(accepted.path("waves").get(0).path("bakeSeconds").asInt()).isEqualTo(30);
        assertThat(accepted.path("waves").get(1).path("bakeSeconds").isNull()).as("no bake after the last wave").isTrue();
        long id = accepted.path("id").asLong();
        // as the deployer records them (deployment_wave): wave 1 done and baking, wave 2 not started
        jdbc.update("""
                INSERT INTO deployment_wave (deployment_id, wave, started_at, finished_at)
                VALUES (?, 0, '2026-12-07T03:00:00Z', '2026-12-07T03:00:01.250Z')""", id);

        JsonNode waves = api().get("/api/v1/services/" + service + "/deployments/" + id).json().path("waves");
        assertThat(waves.get(0).path("startedAt").asString()).isEqualTo("2026-12-07T03:00:00Z");
        assertThat(waves.get(0).path("finishedAt").asString()).isEqualTo("2026-12-07T03:00:01.250Z");
        assertThat(waves.get(0).path("durationMs").asLong()).isEqualTo(1250);
        assertThat(waves.get(1).path("startedAt").isNull()).isTrue();

        jdbc.update("INSERT INTO deployment_wave (deployment_id, wave, started_at) VALUES (?, 1, '2026-12-07T03:00:31.250Z')",
                id);
        waves = api().get("/api/v1/services/" + service + "/deployments").json().path("items").get(0).path("waves");
        assertThat(waves.get(1).path("startedAt").asString()).isEqualTo("2026-12-07T03:00:31.250Z");
        assertThat(waves.get(1).path("finishedAt").isNull()).isTrue();
        assertThat(waves.get(1).path("durationMs").isNull()).isTrue();
    }

    @Test
    void anUndeployTakesTheOfflinePolicyAloneAndRefusesBadValuesAndWaves() {
        finish(deploy(Map.of("version", 1, "selector", "fleet=" + fleet)).path("id").asLong());
        String path = "/api/v1/services/" + service + "/deployments";
        long before = jdbc.queryForObject("select count(*) from deployment", Long.class);

        JsonNode problem = assertProblem(api().postJson(path, Map.of("kind", "UNDEPLOY", "targets", List.of(eu, us),
                "offline", "later")), 400, "VALIDATION_FAILED");
        assertThat(problem.path("errors").get(0).path("field").asString()).isEqualTo("offline");
        problem = assertProblem(api().postJson(path, Map.of("kind", "UNDEPLOY", "offline", "converge",
                "waves", List.of(Map.of("percent", 100)))), 400, "VALIDATION_FAILED");
        assertThat(problem.path("detail").asString()).startsWith("an UNDEPLOY has no waves");
        assertThat(jdbc.queryForObject("select count(*) from deployment", Long.class)).isEqualTo(before);

        JsonNode accepted = deploy(Map.of("kind", "UNDEPLOY", "targets", List.of(eu, us), "offline", "converge"));
        assertThat(accepted.path("kind").asString()).isEqualTo("UNDEPLOY");
        assertThat(accepted.path("plan").path("offline").asString()).isEqualTo("converge");
        assertThat(accepted.path("plan").path("waves")).hasSize(1);
        assertThat(accepted.path("waves").get(0).path("targets").asInt()).isEqualTo(2);
        assertThat(names(accepted)).containsExactlyInAnyOrder(eu, us);
        finish(accepted.path("id").asLong());

        JsonNode plain = deploy(Map.of("kind", "UNDEPLOY", "targets", List.of(hub)));
        assertThat(plain.path("plan").isNull() || plain.path("plan").isMissingNode()).as("all or nothing").isTrue();
    }

    @Test
    void aServiceFollowsItsSelectorAndDeploysToItsTargetsByDefault() {
        String follower = uniqueName("follower");
        var created = api().postJson("/api/v1/services", Map.of("name", follower, "model", model,
                "selector", "fleet=" + fleet + ",tier=edge"));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.json().path("selector").asString()).isEqualTo("fleet=" + fleet + ",tier=edge");

        var response = api().postJson("/api/v1/services/" + follower + "/deployments", Map.of("version", 1));
        assertThat(response.status()).as(response.text()).isEqualTo(202);
        assertThat(names(response.json())).containsExactlyInAnyOrder(eu, us, asia);

        var changed = api().patchJson("/api/v1/services/" + follower, Map.of("selector", "fleet=" + fleet + ",kind=hub"));
        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
        assertThat(jdbc.queryForObject("select selector from service where name = ?", String.class, follower))
                .isEqualTo("fleet=" + fleet + ",kind=hub");
        var cleared = api().patchJson("/api/v1/services/" + follower, Map.of("selector", ""));
        assertThat(cleared.status()).as(cleared.text()).isEqualTo(200);
        assertThat(jdbc.queryForObject("select selector from service where name = ?", String.class, follower)).isNull();
    }

    private String target(String kind, String region, Map<String, String> labels) {
        String name = uniqueName(region);
        var created = api().postJson("/api/v1/targets", Map.of("name", name, "kind", kind, "region", region,
                "baseUrl", "http://127.0.0.1:1", "labels", labels));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return name;
    }

    private static List<String> names(JsonNode deployment) {
        List<String> names = new ArrayList<>();
        deployment.path("targets").forEach(t -> names.add(t.path("target").asString()));
        return names;
    }

    private JsonNode deploy(Map<String, Object> body) {
        var response = api().postJson("/api/v1/services/" + service + "/deployments", body);
        assertThat(response.status()).as(response.text()).isEqualTo(202);
        return response.json();
    }

    private static byte[] identity() {
        return ProtoBuilder.model(ProtoBuilder.message()
                .message(GraphProto.NODE_FIELD_NUMBER, ProtoBuilder.node("Identity", new String[] {"x"}, "y"))
                .string(GraphProto.NAME_FIELD_NUMBER, "identity")
                .message(GraphProto.INPUT_FIELD_NUMBER, ProtoBuilder.tensorValue("x", TensorProto.DataType.FLOAT_VALUE, "N", 3L))
                .message(GraphProto.OUTPUT_FIELD_NUMBER, ProtoBuilder.tensorValue("y", TensorProto.DataType.FLOAT_VALUE, "N", 3L)))
                .toByteArray();
    }
}
