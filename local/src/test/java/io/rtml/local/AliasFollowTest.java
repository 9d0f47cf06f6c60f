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
        String model = unique("iris");
        String service = unique("survival");
        byte[] iris = ReferenceModels.bundled("sklearn_rf_iris_zipmap").readBytes();
        call("POST", "/api/v1/models", Map.of("name", model));
        call("POST", "/api/v1/models/" + model + "/versions", iris);
        call("POST", "/api/v1/models/" + model + "/versions", iris);
        call("POST", "/api/v1/models/" + model + "/versions", ReferenceModels.bundled("xgboost_regressor").readBytes());
        JsonNode created = call("POST", "/api/v1/services", Map.of("name", service, "model", model, "follow", "champion"));
        assertThat(created.path("follow").asString()).isEqualTo("champion");
        long start = lastEventId();

        // the first deployment, by hand, picks the targets (the JVM's other tests leave theirs in the database)
        call("POST", "/api/v1/services/" + service + "/deployments", Map.of("version", 1, "targets", List.of(target)));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> served(service) == 1);
        call("PUT", "/api/v1/models/" + model + "/aliases/champion", Map.of("version", 1));
        assertThat(call("GET", "/api/v1/services/" + service + "/deployments").path("items"))
                .as("it runs version 1 already").hasSize(1);

        long moved = System.nanoTime();
        call("PUT", "/api/v1/models/" + model + "/aliases/champion", Map.of("version", 2));
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20)).until(() -> served(service) == 2);
        Duration took = Duration.ofNanos(System.nanoTime() - moved);
        assertThat(took).isLessThan(Duration.ofSeconds(2));

        JsonNode history = call("GET", "/api/v1/services/" + service + "/deployments");
        assertThat(history.path("items")).extracting(d -> d.path("version").asInt()).containsExactly(2, 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> call("GET", "/api/v1/services/" + service)
                .path("deployments").get(0).path("status").asString().equals("SUCCEEDED"));
        List<JsonNode> started = events(start, "deployment.started", service);
        assertThat(started).hasSize(2);
        assertThat(started.get(0).path("data").has("cause")).as("the deployment by hand").isFalse();
        JsonNode cause = started.get(1).path("data").path("cause");
        assertThat(cause.path("event").asString()).isEqualTo("alias.moved");
        assertThat(cause.path("model").asString()).isEqualTo(model);
        assertThat(cause.path("alias").asString()).isEqualTo("champion");
        assertThat(cause.path("version").asInt()).isEqualTo(2);
        assertThat(events(start, "deployment.succeeded", service)).hasSize(2);

        // version 3 is another model altogether: the guard refuses it, the alias moves all the same
        JsonNode refusedMove = call("PUT", "/api/v1/models/" + model + "/aliases/champion", Map.of("version", 3));
        assertThat(refusedMove.path("version").asInt()).isEqualTo(3);
        List<JsonNode> refused = events(start, "deployment.refused", service);
        assertThat(refused).hasSize(1);
        assertThat(refused.get(0).path("data").path("code").asString()).isEqualTo("SIGNATURE_INCOMPATIBLE");
        assertThat(refused.get(0).path("data").path("version").asInt()).isEqualTo(3);
        assertThat(refused.get(0).path("data").path("differences")).isNotEmpty();
        assertThat(refused.get(0).path("data").path("cause").path("alias").asString()).isEqualTo("champion");
        assertThat(call("GET", "/api/v1/services/" + service + "/deployments").path("items")).hasSize(2);
        assertThat(served(service)).isEqualTo(2);
    }

    @Test
    void aFollowerWithASelectorDeploysToTheSelectorsTargetsWithTheMoveAsItsCause() throws Exception {
        // a second target the selector leaves out: without the selector, a service that runs nowhere would go to it too
        String spare = unique("spare");
        call("POST", "/api/v1/targets", Map.of("name", spare, "kind", "EDGE", "region", "test",
                "baseUrl", "http://127.0.0.1:9", "labels", Map.of("tier", "spare")));
        String model = unique("iris");
        String service = unique("picky");
        call("POST", "/api/v1/models", Map.of("name", model));
        call("POST", "/api/v1/models/" + model + "/versions", ReferenceModels.bundled("sklearn_rf_iris_zipmap").readBytes());
        call("POST", "/api/v1/services", Map.of("name", service, "model", model, "follow", "champion",
                "selector", "name=" + target));

        call("PUT", "/api/v1/models/" + model + "/aliases/champion", Map.of("version", 1));

        JsonNode deployment = call("GET", "/api/v1/services/" + service + "/deployments").path("items").get(0);
        assertThat(deployment.path("targets")).extracting(t -> t.path("target").asString()).containsExactly(target);
        assertThat(deployment.path("cause").asString())
                .isEqualTo("alias champion of " + model + " moved to version 1 by " + deployment.path("requestedBy").asString());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> served(service) == 1);
    }

    @Test
    void aServiceThatFollowsNothingStaysPut() throws Exception {
        String model = unique("iris");
        String service = unique("manual");
        call("POST", "/api/v1/models", Map.of("name", model));
        call("POST", "/api/v1/models/" + model + "/versions", ReferenceModels.bundled("sklearn_rf_iris_zipmap").readBytes());
        call("POST", "/api/v1/services", Map.of("name", service, "model", model));

        call("PUT", "/api/v1/models/" + model + "/aliases/champion", Map.of("version", 1));

        assertThat(call("GET", "/api/v1/services/" + service + "/deployments").path("items")).isEmpty();
        HttpResponse<String> badAlias = send("POST", "/api/v1/services", Map.of("name", unique("bad"), "model", model,
                "follow", "Not An Alias"));
        assertThat(badAlias.statusCode()).isEqualTo(400);
        assertThat(badAlias.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    private static int served(String service) throws Exception {
        return stack.served(service);
    }

    private static List<JsonNode> events(long after, String type, String subject) throws Exception {
        return stack.events(after, type, subject);
    }

    private static long lastEventId() throws Exception {
        return stack.lastEventId();
    }

    private static JsonNode call(String method, String path, Object body) throws Exception {
        return stack.call(method, path, body);
    }

    private static JsonNode call(String method, String path) throws Exception {
        return stack.call(method, path, null);
    }

    private static HttpResponse<String> send(String method, String path, Object body) throws Exception {
        return stack.send(method, path, body);
    }

    private static String unique(String prefix) {
        return InProcessStack.unique(prefix);
    }
}
