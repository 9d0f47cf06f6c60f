package io.rtml.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.testing.ReferenceModels;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A service's default rollout on the real stack (registry, deployer and a scoring node in this JVM, on
 * PostgreSQL and s3proxy): an alias move and a deploy request that names no rollout are rolled out by the
 * service's default canary (its progress in the deployment, the move as its cause); a first installation,
 * an explicit strategy and {@code all-at-once} are not; a default the registry could not carry out is
 * refused at create and PATCH with the field named.
 */
class DefaultRolloutTest {

    private static final JsonMapper JSON = InProcessStack.JSON;
    /** A canary that never decides by itself (it waits for more requests than the test sends): promoted or aborted by hand. */
    private static final Map<String, Object> CANARY = Map.of(
            "strategy", Map.of("type", "canary", "steps", List.of(50, 100), "bakeSeconds", 1),
            "guardrails", Map.of("minRequests", 1_000_000));

    private static InProcessStack stack;
    private static String target;

    @BeforeAll
    static void startTheStack() throws Exception {
        stack = new InProcessStack("rollout-default");
        target = stack.target();
    }

    @AfterAll
    static void stopTheStack() {
        stack.close();
    }

    @Test
    void anAliasMoveIsRolledOutByTheServicesDefaultCanaryWithTheMoveAsItsCause() throws Exception {
        String model = irisWithVersions(2);
        String service = InProcessStack.unique("survival");
        JsonNode created = stack.call("POST", "/api/v1/services", Map.of("name", service, "model", model, "follow", "champion",
                "defaultRollout", CANARY));
        assertThat(created.path("defaultRollout").path("strategy").path("steps").toString()).isEqualTo("[50,100]");
        assertThat(stack.call("GET", "/api/v1/services/" + service).path("defaultRollout").path("guardrails")
                .path("minRequests").asLong()).isEqualTo(1_000_000);
        assertThat(stack.call("GET", "/api/v1/services?model=" + model).path("items").get(0).path("defaultRollout")
                .path("strategy").path("type").asString()).as("the gallery list entry").isEqualTo("canary");
        long start = stack.lastEventId();

        // the first installation has no stable version to judge a candidate against: it switches at once
        JsonNode first = stack.call("POST", "/api/v1/services/" + service + "/deployments",
                Map.of("version", 1, "targets", List.of(target)));
        assertThat(first.path("strategy").isNull()).as("first installation: %s", first).isTrue();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> stack.served(service) == 1);
        awaitStatus(service, first.path("id").asLong(), "SUCCEEDED");

        stack.call("PUT", "/api/v1/models/" + model + "/aliases/champion", Map.of("version", 2));

        JsonNode followed = stack.call("GET", "/api/v1/services/" + service + "/deployments").path("items").get(0);
        long id = followed.path("id").asLong();
        assertThat(followed.path("version").asInt()).isEqualTo(2);
        assertThat(followed.path("strategy").path("type").asString()).isEqualTo("canary");
        assertThat(followed.path("strategy").path("steps").toString()).isEqualTo("[50,100]");
        assertThat(followed.path("strategy").path("guardrails").path("maxErrorRatio").asDouble())
                .as("the registry's guardrail defaults fill the limits the default leaves out").isEqualTo(0.05);
        assertThat(followed.path("cause").asString()).startsWith("alias champion of " + model + " moved to version 2");
        awaitStatus(service, id, "ROLLING_OUT");
        // the rollout's progress: the first step's split is set on the node, then it bakes
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                get(service, id).path("rollout").path("percent").asInt() == 50);
        assertThat(get(service, id).path("rollout").path("step").asInt()).isZero();
        assertThat(stack.served(service)).as("the stable version and the candidate share the requests").isIn(1, 2);

        stack.call("POST", "/api/v1/services/" + service + "/deployments/" + id + "/promote");
        awaitStatus(service, id, "SUCCEEDED");
        assertThat(stack.served(service)).isEqualTo(2);
        List<JsonNode> started = stack.events(start, "deployment.started", service);
        assertThat(started).hasSize(2);
        assertThat(started.get(0).path("data").has("rolloutFrom")).as("the first installation").isFalse();
        assertThat(started.get(1).path("data").path("cause").path("event").asString()).isEqualTo("alias.moved");
        assertThat(started.get(1).path("data").path("rolloutFrom").asString()).isEqualTo("defaultRollout");
    }

    @Test
    void aDeployWithoutStrategyTakesTheDefaultAndAnExplicitOneOrAllAtOnceOverridesIt() throws Exception {
        String model = irisWithVersions(3);
        String service = InProcessStack.unique("manual");
        stack.call("POST", "/api/v1/services", Map.of("name", service, "model", model));
        JsonNode patched = stack.call("PATCH", "/api/v1/services/" + service, Map.of("defaultRollout", CANARY));
        assertThat(patched.path("service").path("defaultRollout").path("strategy").path("type").asString())
                .isEqualTo("canary");
        long first = stack.call("POST", "/api/v1/services/" + service + "/deployments",
                Map.of("version", 1, "targets", List.of(target))).path("id").asLong();
        awaitStatus(service, first, "SUCCEEDED");

        JsonNode byDefault = stack.call("POST", "/api/v1/services/" + service + "/deployments",
                Map.of("version", 2, "targets", List.of(target)));
        assertThat(byDefault.path("strategy").path("type").asString()).isEqualTo("canary");
        awaitStatus(service, byDefault.path("id").asLong(), "ROLLING_OUT");
        stack.call("POST", "/api/v1/services/" + service + "/deployments/" + byDefault.path("id").asLong() + "/abort");
        awaitStatus(service, byDefault.path("id").asLong(), "ROLLED_BACK");
        assertThat(stack.served(service)).isEqualTo(1);

        JsonNode explicit = stack.call("POST", "/api/v1/services/" + service + "/deployments", Map.of("version", 2,
                "targets", List.of(target), "strategy", Map.of("type", "linear", "stepPercent", 25, "bakeSeconds", 1),
                "guardrails", Map.of("minRequests", 1_000_000)));
        assertThat(explicit.path("strategy").path("type").asString()).isEqualTo("linear");
        assertThat(explicit.path("strategy").path("steps").toString()).isEqualTo("[25,50,75,100]");
        awaitStatus(service, explicit.path("id").asLong(), "ROLLING_OUT");
        stack.call("POST", "/api/v1/services/" + service + "/deployments/" + explicit.path("id").asLong() + "/abort");
        awaitStatus(service, explicit.path("id").asLong(), "ROLLED_BACK");

        JsonNode atOnce = stack.call("POST", "/api/v1/services/" + service + "/deployments", Map.of("version", 3,
                "targets", List.of(target), "strategy", Map.of("type", "all-at-once")));
        assertThat(atOnce.path("strategy").isNull()).isTrue();
        awaitStatus(service, atOnce.path("id").asLong(), "SUCCEEDED");
        assertThat(stack.served(service)).isEqualTo(3);

        // rollbacks never go through a canary
        JsonNode rollback = stack.call("POST", "/api/v1/services/" + service + "/rollback", Map.of());
        assertThat(rollback.path("strategy").isNull()).isTrue();
        awaitStatus(service, rollback.path("id").asLong(), "SUCCEEDED");

        // a target that runs no version of the service cannot take part in its default canary
        String spare = InProcessStack.unique("spare");
        stack.call("POST", "/api/v1/targets", Map.of("name", spare, "kind", "EDGE", "region", "test",
                "baseUrl", "http://127.0.0.1:9"));
        HttpResponse<String> mixed = stack.send("POST", "/api/v1/services/" + service + "/deployments",
                Map.of("version", 3, "targets", List.of(target, spare)));
        assertThat(mixed.statusCode()).as(mixed.body()).isEqualTo(400);
        assertThat(JSON.readTree(mixed.body()).path("errors").get(0).path("field").asString()).isEqualTo("targets");
        assertThat(mixed.body()).contains(spare).contains("all-at-once");
    }

    /**
     * A default wave plan with {@code offline: converge} carries an alias move while one edge is down: the hub's
     * wave activates, the edge is left PENDING to converge and the deployment succeeds. An UNDEPLOY of that service
     * (also under converge) is not rolled out by the default: it keeps its own one-wave plan and names no default.
     */
    @Test
    void aDefaultWavePlanCarriesAnAliasMoveOverADownEdgeAndNeverAnUndeploy() throws Exception {
        String model = irisWithVersions(1);
        String service = InProcessStack.unique("fleet");
        String edge = InProcessStack.unique("edge");
        // nothing listens on port 9 (discard): the edge is unreachable for the whole test
        stack.call("POST", "/api/v1/targets", Map.of("name", edge, "kind", "EDGE", "region", "test",
                "baseUrl", "http://127.0.0.1:9"));
        Map<String, Object> waves = Map.of("waves", List.of(Map.of("selector", "kind=hub"), Map.of("percent", 100)),
                "offline", "converge");
        stack.call("POST", "/api/v1/services", Map.of("name", service, "model", model, "follow", "champion",
                "selector", "name in (" + target + "," + edge + ")", "defaultRollout", waves));
        long start = stack.lastEventId();

        stack.call("PUT", "/api/v1/models/" + model + "/aliases/champion", Map.of("version", 1));
        JsonNode followed = stack.call("GET", "/api/v1/services/" + service + "/deployments").path("items").get(0);
        long id = followed.path("id").asLong();
        assertThat(followed.path("cause").asString()).startsWith("alias champion of " + model + " moved to version 1");
        JsonNode done = awaitStatus(service, id, "SUCCEEDED");
        assertThat(done.path("plan").path("offline").asString()).isEqualTo("converge");
        assertThat(done.path("waves")).hasSize(2);
        assertThat(done.path("waves").get(0).path("selector").asString()).isEqualTo("kind=hub");
        assertThat(done.path("waves").get(0).path("active").asInt()).isEqualTo(1);
        assertThat(done.path("waves").get(1).path("pending").asInt()).as("the edge, left to converge").isEqualTo(1);
        Map<String, String> status = new HashMap<>();
        done.path("targets").forEach(t -> status.put(t.path("target").asString(), t.path("status").asString()));
        assertThat(status).containsEntry(target, "ACTIVE").containsEntry(edge, "PENDING");
        assertThat(stack.served(service)).isEqualTo(1);
        List<JsonNode> started = stack.events(start, "deployment.started", service);
        assertThat(started).hasSize(1);
        assertThat(started.get(0).path("data").path("rolloutFrom").asString()).isEqualTo("defaultRollout");

        JsonNode undeploy = stack.call("POST", "/api/v1/services/" + service + "/deployments",
                Map.of("kind", "UNDEPLOY", "offline", "converge"));
        assertThat(undeploy.path("strategy").isNull()).isTrue();
        JsonNode removed = awaitStatus(service, undeploy.path("id").asLong(), "SUCCEEDED");
        assertThat(removed.path("kind").asString()).isEqualTo("UNDEPLOY");
        assertThat(removed.path("waves")).as("its own one-wave plan, not the default's two: %s", removed).hasSize(1);
        assertThat(removed.path("plan").path("offline").asString()).isEqualTo("converge");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> stack.served(service) == 0);
        started = stack.events(start, "deployment.started", service);
        assertThat(started).hasSize(2);
        assertThat(started.get(1).path("data").has("rolloutFrom")).as("the undeploy's event").isFalse();
    }

    @Test
    void aDefaultADeploymentWouldRefuseIsRefusedAtCreateAndPatchWithTheFieldNamed() throws Exception {
        String model = irisWithVersions(1);
        String service = InProcessStack.unique("strict");
        assertRefused("POST", "/api/v1/services", Map.of("name", service, "model", model, "defaultRollout",
                Map.of("strategy", Map.of("type", "canary", "steps", List.of(5, 50)))), "defaultRollout.strategy.steps");
        assertRefused("POST", "/api/v1/services", Map.of("name", service, "model", model, "defaultRollout",
                Map.of("strategy", Map.of("type", "blue-green"))), "defaultRollout.strategy.type");
        assertRefused("POST", "/api/v1/services", Map.of("name", service, "model", model, "defaultRollout",
                Map.of("strategy", Map.of("type", "canary", "steps", List.of(100)), "waves",
                        List.of(Map.of("percent", 100)))), "defaultRollout.strategy");
        assertRefused("POST", "/api/v1/services", Map.of("name", service, "model", model, "defaultRollout",
                Map.of("waves", List.of(Map.of("percent", 150)))), "defaultRollout.waves[0].percent");
        assertRefused("POST", "/api/v1/services", Map.of("name", service, "model", model, "defaultRollout",
                Map.of("guardrails", Map.of("maxErrorRatio", 2))), "defaultRollout.guardrails");
        assertRefused("POST", "/api/v1/services", Map.of("name", service, "model", model, "defaultRollout",
                Map.of("strategy", Map.of("type", "canary", "steps", List.of(100)),
                        "guardrails", Map.of("maxErrorRatio", 2))), "defaultRollout.guardrails.maxErrorRatio");
        assertThat(stack.send("GET", "/api/v1/services/" + service, null).statusCode()).as("nothing was created").isEqualTo(404);

        Map<String, Object> waves = Map.of("waves", List.of(Map.of("percent", 50), Map.of("percent", 100)),
                "offline", "converge");
        JsonNode created = stack.call("POST", "/api/v1/services", Map.of("name", service, "model", model,
                "defaultRollout", waves));
        assertThat(created.path("defaultRollout").path("offline").asString()).isEqualTo("converge");
        assertRefused("PATCH", "/api/v1/services/" + service, Map.of("defaultRollout",
                Map.of("strategy", Map.of("type", "shadow", "percent", 0))), "defaultRollout.strategy.percent");
        assertThat(stack.call("GET", "/api/v1/services/" + service).path("defaultRollout").path("waves")).as("unchanged")
                .hasSize(2);
        assertThat(stack.call("PATCH", "/api/v1/services/" + service, Map.of("defaultRollout", Map.of()))
                .path("service").path("defaultRollout").isNull()).as("{} clears it").isTrue();
        assertThat(stack.call("GET", "/api/v1/services/" + service).path("defaultRollout").isNull()).isTrue();

        // a request's own rollout fields are checked by the same code, named without the prefix
        assertRefused("POST", "/api/v1/services/" + service + "/deployments", Map.of("version", 1,
                "strategy", Map.of("type", "canary", "steps", List.of(50))), "strategy.steps");
        assertRefused("POST", "/api/v1/services/" + service + "/deployments", Map.of("version", 1,
                "strategy", Map.of("type", "all-at-once"), "guardrails", Map.of("minRequests", 5)), "guardrails");
    }

    private void assertRefused(String method, String path, Object body, String field) throws Exception {
        HttpResponse<String> refused = stack.send(method, path, body);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(refused.body());
        assertThat(problem.path("code").asString()).isEqualTo("VALIDATION_FAILED");
        assertThat(problem.path("errors")).extracting(e -> e.path("field").asString()).contains(field);
    }

    /** A new model with {@code n} versions of the iris classifier (one signature, so none is refused). */
    private static String irisWithVersions(int n) throws Exception {
        String model = InProcessStack.unique("iris");
        byte[] iris = ReferenceModels.bundled("sklearn_rf_iris_zipmap").readBytes();
        stack.call("POST", "/api/v1/models", Map.of("name", model));
        for (int i = 0; i < n; i++) {
            stack.call("POST", "/api/v1/models/" + model + "/versions", iris);
        }
        return model;
    }

    private static JsonNode get(String service, long id) throws Exception {
        return stack.call("GET", "/api/v1/services/" + service + "/deployments/" + id);
    }

    private static JsonNode awaitStatus(String service, long id, String status) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> get(service, id).path("status").asString().equals(status));
        try {
            return get(service, id);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
