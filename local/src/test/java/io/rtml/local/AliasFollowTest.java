package io.rtml.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.deployer.DeployerApplication;
import io.rtml.registry.RegistryApiApplication;
import io.rtml.scoring.NodeConfig;
import io.rtml.scoring.ScoringNode;
import io.rtml.testing.ReferenceModels;
import io.rtml.testing.TestDatabase;
import io.rtml.testing.TestS3;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A service that follows {@code champion}, on the real stack: the registry, a deployer and a scoring node
 * (all in this JVM, on PostgreSQL and s3proxy). Moving the alias deploys the new version by itself to the
 * targets the service runs on, with the move as its cause, and the node serves it within two seconds; a version the signature guard refuses is
 * recorded as a {@code deployment.refused} event, and the move stands.
 */
class AliasFollowTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN_TOKEN = "follow-test-admin-" + UUID.randomUUID();
    private static final String NODE_CREDENTIAL_KEY = "follow-test-node-credential-key-" + UUID.randomUUID();
    private static final String IRIS_INFER = "{\"inputs\":[{\"name\":\"float_input\",\"datatype\":\"FP32\","
            + "\"shape\":[1,4],\"data\":[5.1,3.5,1.4,0.2]}]}";

    private static ConfigurableApplicationContext registry;
    private static ConfigurableApplicationContext deployer;
    private static ScoringNode node;
    private static String api;
    private static String target;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startTheStack() throws Exception {
        Map<String, Object> properties = infrastructure();
        properties.put("rtml.security.bootstrap-admin-token", ADMIN_TOKEN);
        properties.put("rtml.registry.upload.spool-dir", Files.createTempDirectory("rtml-spool").toString());
        registry = new SpringApplicationBuilder(RegistryApiApplication.class).run(arguments(properties));
        api = "http://127.0.0.1:" + registry.getEnvironment().getProperty("local.server.port");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        target = "hub-" + UUID.randomUUID().toString().substring(0, 8);
        String credential = call("POST", "/api/v1/targets", Map.of("name", target, "kind", "HUB", "region", "test",
                "baseUrl", "http://127.0.0.1:" + port)).path("nodeCredential").asString();
        node = ScoringNode.start(NodeConfig.load(Map.of("rtml.scoring.port", String.valueOf(port),
                "rtml.scoring.bind-address", "127.0.0.1", "rtml.scoring.admin-token", credential,
                "rtml.scoring.data-dir", Files.createTempDirectory("rtml-follow-node").toString(),
                "rtml.scoring.node.name", target, "rtml.scoring.io-threads", "1")::get));
        await().atMost(Duration.ofSeconds(60)).until(node::ready);
        deployer = DeployerApplication.application().run(arguments(infrastructure()));
    }

    @AfterAll
    static void stopTheStack() throws Exception {
        deployer.close();
        node.close();
        registry.close();
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

    /** The version the node answers with for the service; 0 while it serves none. */
    private int served(String service) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port()
                + "/v2/models/" + service + "/infer")).POST(HttpRequest.BodyPublishers.ofString(IRIS_INFER)).build(),
                HttpResponse.BodyHandlers.ofString());
        return answer.statusCode() == 200 ? Integer.parseInt(answer.headers().firstValue("Rtml-Model-Version").orElse("0")) : 0;
    }

    private List<JsonNode> events(long after, String type, String subject) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode e : call("GET", "/api/v1/events?limit=500&after=" + after + "&types=" + type).path("events")) {
            if (e.path("subject").path("name").asString().equals(subject)) {
                found.add(e);
            }
        }
        return found;
    }

    private long lastEventId() throws Exception {
        long after = 0;
        while (true) {
            JsonNode page = call("GET", "/api/v1/events?limit=500&after=" + after);
            if (page.path("next").asLong() == after) {
                return after;
            }
            after = page.path("next").asLong();
        }
    }

    private static JsonNode call(String method, String path, Object body) throws Exception {
        HttpResponse<String> response = send(method, path, body);
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
        return JSON.readTree(response.body());
    }

    private static JsonNode call(String method, String path) throws Exception {
        return call(method, path, null);
    }

    private static HttpResponse<String> send(String method, String path, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN);
        if (body instanceof byte[] bytes) {
            request.header("Content-Type", "application/octet-stream")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
        } else if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, Object> infrastructure() {
        TestDatabase.Connection db = TestDatabase.get();
        var s3 = TestS3.server();
        Map<String, Object> properties = new HashMap<>();
        properties.put("server.port", "0");
        properties.put("spring.datasource.url", db.jdbcUrl());
        properties.put("spring.datasource.username", db.username());
        properties.put("spring.datasource.password", db.password());
        properties.put("rtml.s3.endpoint", s3.endpoint().toString());
        properties.put("rtml.s3.bucket", TestS3.BUCKET);
        properties.put("rtml.s3.access-key", s3.accessKey());
        properties.put("rtml.s3.secret-key", s3.secretKey());
        properties.put("rtml.s3.create-bucket", "true");
        properties.put("rtml.node-credentials.key", NODE_CREDENTIAL_KEY);
        properties.put("rtml.targets.allowed-schemes", "http");
        properties.put("rtml.targets.allowed-cidrs", "127.0.0.0/8");
        return properties;
    }

    private static String[] arguments(Map<String, Object> properties) {
        return properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
