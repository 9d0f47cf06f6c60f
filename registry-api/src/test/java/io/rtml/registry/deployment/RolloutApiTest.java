package io.rtml.registry.deployment;

import static io.rtml.registry.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.TensorProto;
import io.rtml.registry.RegistryApiTest;
import io.rtml.testing.ProtoBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A deployment's rollout strategy through the API: validation, what is stored and shown, the
 * service's guardrail defaults, and promote/abort by hand (the deployer's side is tested in the
 * deployer module with real nodes).
 */
class RolloutApiTest extends RegistryApiTest {

    private String service;

    @BeforeEach
    void serviceWithTwoVersions() {
        String model = uniqueName("canaried");
        service = uniqueName("canaried-svc");
        api().postJson("/api/v1/models", Map.of("name", model));
        for (int i = 0; i < 2; i++) {
            var upload = api().uploadRaw("/api/v1/models/" + model + "/versions", identity());
            assertThat(upload.status()).as(upload.text()).isEqualTo(201);
        }
        api().postJson("/api/v1/targets", Map.of("name", uniqueName("hub"), "kind", "HUB", "region", "central",
                "baseUrl", "http://127.0.0.1:1"));
        assertThat(api().postJson("/api/v1/services", Map.of("name", service, "model", model)).status()).isEqualTo(201);
        finish(deploy(Map.of("version", 1)).path("id").asLong());
    }

    @Test
    void aCanaryIsStoredWithTheServiceDefaultsForTheGuardrailsLeftOut() {
        JsonNode accepted = deploy(Map.of("version", 2,
                "strategy", Map.of("type", "canary", "steps", List.of(5, 25, 100), "bakeSeconds", 30),
                "guardrails", Map.of("maxErrorRatio", 0.01)));

        JsonNode strategy = accepted.path("strategy");
        assertThat(strategy.path("type").asString()).isEqualTo("canary");
        assertThat(strategy.path("steps").toString()).isEqualTo("[5,25,100]");
        assertThat(strategy.path("bakeSeconds").asInt()).isEqualTo(30);
        assertThat(strategy.path("guardrails").path("maxErrorRatio").asDouble()).isEqualTo(0.01);
        assertThat(strategy.path("guardrails").path("maxPsi").asDouble()).as("the default").isEqualTo(0.2);
        assertThat(strategy.path("guardrails").path("minRequests").asLong()).as("the default").isEqualTo(100);
        assertThat(jdbc.queryForObject("select rollout->>'type' from deployment where id = ?", String.class,
                accepted.path("id").asLong())).isEqualTo("canary");
    }

    @Test
    void aLinearRolloutGetsItsStepsComputed() {
        JsonNode accepted = deploy(Map.of("version", 2,
                "strategy", Map.of("type", "linear", "stepPercent", 30, "bakeSeconds", 10)));

        assertThat(accepted.path("strategy").path("steps").toString()).isEqualTo("[30,60,90,100]");
    }

    @Test
    void aDeploymentWithoutStrategyHasNone() {
        JsonNode accepted = deploy(Map.of("version", 2));

        assertThat(accepted.path("strategy").isNull()).isTrue();
        assertThat(accepted.path("rollout").isNull()).isTrue();
    }

    @Test
    void invalidStrategiesAre400sAndRecordNothing() {
        long before = jdbc.queryForObject("select count(*) from deployment", Long.class);
        assertThat(refused(Map.of("type", "canary", "steps", List.of(25, 5, 100)), null)).contains("ascend");
        assertThat(refused(Map.of("type", "canary", "steps", List.of(5, 50)), null)).contains("end at 100");
        assertThat(refused(Map.of("type", "canary", "steps", List.of(0, 100)), null)).contains("1..100");
        assertThat(refused(Map.of("type", "canary", "steps", List.of(5, 101)), null)).contains("1..100");
        assertThat(refused(Map.of("type", "canary", "steps", List.of(5, 100), "bakeSeconds", 0), null))
                .contains("bakeSeconds must be at least 1");
        assertThat(refused(Map.of("type", "linear", "stepPercent", 0), null)).contains("stepPercent");
        assertThat(refused(Map.of("type", "blue-green"), null)).contains("canary, linear or shadow");
        assertThat(refused(Map.of("type", "canary", "steps", List.of(100)), Map.of("maxErrorRatio", 2)))
                .contains("maxErrorRatio must be 0..1");
        assertThat(refused(Map.of("type", "canary", "steps", List.of(100)), Map.of("minRequests", 0)))
                .contains("minRequests");
        assertThat(jdbc.queryForObject("select count(*) from deployment", Long.class)).isEqualTo(before);
    }

    @Test
    void promoteAndAbortAreTakenByTheDeployerWhileRollingOutAnd409Otherwise() {
        long id = deploy(Map.of("version", 2,
                "strategy", Map.of("type", "canary", "steps", List.of(10, 100), "bakeSeconds", 60))).path("id").asLong();
        String path = "/api/v1/services/" + service + "/deployments/" + id;
        assertProblem(api().postJson(path + "/promote", Map.of()), 409, "NOT_ROLLING_OUT");

        deployer().rollingOut(id, 10);
        JsonNode rolling = api().get(path).json();
        assertThat(rolling.path("status").asString()).isEqualTo("ROLLING_OUT");
        assertThat(rolling.path("rollout").path("percent").asInt()).isEqualTo(10);
        assertProblem(api().postJson("/api/v1/services/" + service + "/deployments", Map.of("version", 1)), 409,
                "DEPLOYMENT_IN_PROGRESS");

        var promoted = api().postJson(path + "/promote", Map.of());
        assertThat(promoted.status()).as(promoted.text()).isEqualTo(202);
        assertThat(promoted.json().path("rollout").path("requestedDecision").asString()).isEqualTo("PROMOTE");
        assertThat(jdbc.queryForObject("select not_before <= now() from deployment where id = ?", Boolean.class, id))
                .as("the deployer takes it at once, not after the bake").isTrue();
        var aborted = api().postJson(path + "/abort", Map.of());
        assertThat(aborted.json().path("rollout").path("requestedDecision").asString()).isEqualTo("ABORT");
        assertThat(jdbc.queryForObject("select count(*) from audit_event where entity_name = ? and action in"
                + " ('deployment.promote', 'deployment.abort')", Long.class, service)).isEqualTo(2);

        assertProblem(api().postJson("/api/v1/services/" + service + "/deployments/999999/abort", Map.of()), 404,
                "DEPLOYMENT_NOT_FOUND");
    }

    @Test
    void aViewerMayNotPromote() {
        long id = deploy(Map.of("version", 2,
                "strategy", Map.of("type", "canary", "steps", List.of(10, 100)))).path("id").asLong();
        deployer().rollingOut(id, 10);

        var created = api().postJson("/api/v1/tokens", Map.of("name", uniqueName("viewer"), "roles", List.of("viewer")));
        var refused = api(created.json().path("secret").asString()).postJson("/api/v1/services/" + service + "/deployments/" + id + "/abort",
                Map.of());

        assertThat(refused.status()).isEqualTo(403);
        assertThat(jdbc.queryForObject("select requested_decision from deployment where id = ?", String.class, id))
                .isNull();
    }

    private String refused(Map<String, Object> strategy, Map<String, Object> guardrails) {
        Map<String, Object> body = guardrails == null ? Map.of("version", 2, "strategy", strategy)
                : Map.of("version", 2, "strategy", strategy, "guardrails", guardrails);
        return assertProblem(api().postJson("/api/v1/services/" + service + "/deployments", body), 400,
                "VALIDATION_FAILED").path("detail").asString();
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
