package io.rtml.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.testing.ReferenceModels;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A service that follows {@code champion}, on the real stack: the registry, a deployer and a scoring node
 * (all in this JVM, on PostgreSQL and s3proxy). Moving the alias deploys the new version by itself to the
 * targets the service runs on, with the move as its cause, and the node serves it within two seconds; a version the signature guard refuses is
 * recorded as a {@code deployment.refused} event, and the move stands.
 */
class AliasFollowTest {

    private static final JsonMapper JSON = InProcessStack.JSON;

    private static InProcessStack stack;
    private static String target;

    @BeforeAll
    static void startTheStack() throws Exception {
        stack = new InProcessStack("follow");
        target = stack.target();
    }

    @AfterAll
    static void stopTheStack() {
        stack.close();
    }

    @Test
    void movingTheAliasDeploysTheNewVersionWithinTwoSecondsAndARefusalIsAnEvent() throws Exception {
        String model = InProcessStack.unique("iris");
        String service = InProcessStack.unique("survival");
        byte[] iris = ReferenceModels.bundled("sklearn_rf_iris_zipmap").readBytes();
        stack.call("POST", "/api/v1/models", Map.of("name", model));
        stack.call("POST", "/api/v1/models/" + model + "/versions", iris);
        stack.call("POST", "/api/v1/models/" + model + "/versions", iris);
        stack.call("POST", "/api/v1/models/" + model + "/versions", ReferenceModels.bundled("xgboost_regressor").readBytes());
        JsonNode created = stack.call("POST", "/api/v1/services", Map.of("name", service, "model", model, "follow", "champion"));
        assertThat(created.path("follow").asString()).isEqualTo("champion");
        long start = stack.lastEventId();

        // the first deployment, by hand, picks the targets (the JVM's other tests leave theirs in the database)
        stack.call("POST", "/api/v1/services/" + service + "/deployments", Map.of("version", 1, "targets", List.of(target)));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> stack.served(service) == 1);
        stack.call("PUT", "/api/v1/models/" + model + "/aliases/champion", Map.of("version", 1));
        assertThat(stack.call("GET", "/api/v1/services/" + service + "/deployments").path("items"))
                .as("it runs version 1 already").hasSize(1);

        long moved = System.nanoTime();
        stack.call("PUT", "/api/v1/models/" + model + "/aliases/champion", Map.of("version", 2));
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20)).until(() -> stack.served(service) == 2);
        Duration took = Duration.ofNanos(System.nanoTime() - moved);
        assertThat(took).isLessThan(Duration.ofSeconds(2));

        JsonNode history = stack.call("GET", "/api/v1/services/" + service + "/deployments");
        assertThat(history.path("items")).extracting(d -> d.path("version").asInt()).containsExactly(2, 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> stack.call("GET", "/api/v1/services/" + service)
                .path("deployments").get(0).path("status").asString().equals("SUCCEEDED"));
        List<JsonNode> started = stack.events(start, "deployment.started", service);
        assertThat(started).hasSize(2);
        assertThat(started.get(0).path("data").has("cause")).as("the deployment by hand").isFalse();
        JsonNode cause = started.get(1).path("data").path("cause");
        assertThat(cause.path("event").asString()).isEqualTo("alias.moved");
        assertThat(cause.path("model").asString()).isEqualTo(model);
        assertThat(cause.path("alias").asString()).isEqualTo("champion");
        assertThat(cause.path("version").asInt()).isEqualTo(2);
        assertThat(stack.events(start, "deployment.succeeded", service)).hasSize(2);

        // version 3 is another model altogether: the guard refuses it, the alias moves all the same
        JsonNode refusedMove = stack.call("PUT", "/api/v1/models/" + model + "/aliases/champion", Map.of("version", 3));
        assertThat(refusedMove.path("version").asInt()).isEqualTo(3);
        List<JsonNode> refused = stack.events(start, "deployment.refused", service);
        assertThat(refused).hasSize(1);
        assertThat(refused.get(0).path("data").path("code").asString()).isEqualTo("SIGNATURE_INCOMPATIBLE");
        assertThat(refused.get(0).path("data").path("version").asInt()).isEqualTo(3);
        assertThat(refused.get(0).path("data").path("differences")).isNotEmpty();
        assertThat(refused.get(0).path("data").path("cause").path("alias").asString()).isEqualTo("champion");
        assertThat(stack.call("GET", "/api/v1/services/" + service + "/deployments").path("items")).hasSize(2);
        assertThat(stack.served(service)).isEqualTo(2);
    }

    @Test
    void aFollowerWithASelectorDeploysToTheSelectorsTargetsWithTheMoveAsItsCause() throws Exception {
        // a second target the selector leaves out: without the selector, a service that runs nowhere would go to it too
        String spare = InProcessStack.unique("spare");
        stack.call("POST", "/api/v1/targets", Map.of("name", spare, "kind", "EDGE", "region", "test",
                "baseUrl", "http://127.0.0.1:9", "labels", Map.of("tier", "spare")));
        String model = InProcessStack.unique("iris");
        String service = InProcessStack.unique("picky");
        stack.call("POST", "/api/v1/models", Map.of("name", model));
        stack.call("POST", "/api/v1/models/" + model + "/versions", ReferenceModels.bundled("sklearn_rf_iris_zipmap").readBytes());
        stack.call("POST", "/api/v1/services", Map.of("name", service, "model", model, "follow", "champion",
                "selector", "name=" + target));

        stack.call("PUT", "/api/v1/models/" + model + "/aliases/champion", Map.of("version", 1));

        JsonNode deployment = stack.call("GET", "/api/v1/services/" + service + "/deployments").path("items").get(0);
        assertThat(deployment.path("targets")).extracting(t -> t.path("target").asString()).containsExactly(target);
        assertThat(deployment.path("cause").asString())
                .isEqualTo("alias champion of " + model + " moved to version 1 by " + deployment.path("requestedBy").asString());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> stack.served(service) == 1);
    }

    @Test
    void aServiceThatFollowsNothingStaysPut() throws Exception {
        String model = InProcessStack.unique("iris");
        String service = InProcessStack.unique("manual");
        stack.call("POST", "/api/v1/models", Map.of("name", model));
        stack.call("POST", "/api/v1/models/" + model + "/versions", ReferenceModels.bundled("sklearn_rf_iris_zipmap").readBytes());
        stack.call("POST", "/api/v1/services", Map.of("name", service, "model", model));

        stack.call("PUT", "/api/v1/models/" + model + "/aliases/champion", Map.of("version", 1));

        assertThat(stack.call("GET", "/api/v1/services/" + service + "/deployments").path("items")).isEmpty();
        HttpResponse<String> badAlias = stack.send("POST", "/api/v1/services", Map.of("name", InProcessStack.unique("bad"), "model", model,
                "follow", "Not An Alias"));
        assertThat(badAlias.statusCode()).isEqualTo(400);
        assertThat(badAlias.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }
}
