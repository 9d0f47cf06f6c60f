package io.rtml.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.deployer.DeployerApplication;
import io.rtml.registry.RegistryApiApplication;
import io.rtml.scoring.NodeConfig;
import io.rtml.scoring.ScoringNode;
import io.rtml.testing.TestDatabase;
import io.rtml.testing.TestS3;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The registry, a deployer and one hub scoring node in the test's JVM, on PostgreSQL and s3proxy, with
 * the registry's API called as a bootstrap admin: the stack of the tests that follow what the deployer
 * does end to end without the embedded stack's process.
 */
final class InProcessStack implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String IRIS_INFER = "{\"inputs\":[{\"name\":\"float_input\",\"datatype\":\"FP32\","
            + "\"shape\":[1,4],\"data\":[5.1,3.5,1.4,0.2]}]}";

    private final String adminToken = "in-process-admin-" + UUID.randomUUID();
    private final String nodeCredentialKey = "in-process-node-credential-key-" + UUID.randomUUID();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ConfigurableApplicationContext registry;
    private final ScoringNode node;
    private final ConfigurableApplicationContext deployer;
    private final String api;
    private final String target;

    InProcessStack(String name) throws Exception {
        Map<String, Object> properties = infrastructure();
        properties.put("rtml.security.bootstrap-admin-token", adminToken);
        properties.put("rtml.registry.upload.spool-dir", Files.createTempDirectory("rtml-spool").toString());
        registry = new SpringApplicationBuilder(RegistryApiApplication.class).run(arguments(properties));
        api = "http://127.0.0.1:" + registry.getEnvironment().getProperty("local.server.port");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        target = unique("hub");
        String credential = call("POST", "/api/v1/targets", Map.of("name", target, "kind", "HUB", "region", "test",
                "baseUrl", "http://127.0.0.1:" + port)).path("nodeCredential").asString();
        node = ScoringNode.start(NodeConfig.load(Map.of("rtml.scoring.port", String.valueOf(port),
                "rtml.scoring.bind-address", "127.0.0.1", "rtml.scoring.admin-token", credential,
                "rtml.scoring.data-dir", Files.createTempDirectory("rtml-" + name + "-node").toString(),
                "rtml.scoring.node.name", target, "rtml.scoring.io-threads", "1")::get));
        await().atMost(Duration.ofSeconds(60)).until(node::ready);
        deployer = DeployerApplication.application().run(arguments(infrastructure()));
    }

    /** The hub target's name. */
    String target() {
        return target;
    }

    @Override
    public void close() {
        deployer.close();
        node.close();
        registry.close();
    }

    /** The version the node answers with for the service; 0 while it serves none. */
    int served(String service) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port()
                + "/v2/models/" + service + "/infer")).POST(HttpRequest.BodyPublishers.ofString(IRIS_INFER)).build(),
                HttpResponse.BodyHandlers.ofString());
        return answer.statusCode() == 200 ? Integer.parseInt(answer.headers().firstValue("Rtml-Model-Version").orElse("0")) : 0;
    }

    /** The events of a type about one subject since an event id. */
    List<JsonNode> events(long after, String type, String subject) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode e : call("GET", "/api/v1/events?limit=500&after=" + after + "&types=" + type, null).path("events")) {
            if (e.path("subject").path("name").asString().equals(subject)) {
                found.add(e);
            }
        }
        return found;
    }

    long lastEventId() throws Exception {
        long after = 0;
        while (true) {
            JsonNode page = call("GET", "/api/v1/events?limit=500&after=" + after, null);
            if (page.path("next").asLong() == after) {
                return after;
            }
            after = page.path("next").asLong();
        }
    }

    /** A call that must succeed (2xx); its JSON answer. */
    JsonNode call(String method, String path, Object body) throws Exception {
        HttpResponse<String> response = send(method, path, body);
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
        return JSON.readTree(response.body());
    }

    /** A call without a body that must succeed (2xx); its JSON answer. */
    JsonNode call(String method, String path) throws Exception {
        return call(method, path, null);
    }

    /** A call with a JSON body, bytes ({@code application/octet-stream}) or none. */
    HttpResponse<String> send(String method, String path, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path))
                .header("Authorization", "Bearer " + adminToken);
        if (body instanceof byte[] bytes) {
            request.header("Content-Type", "application/octet-stream")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
        } else if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private Map<String, Object> infrastructure() {
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
        properties.put("rtml.node-credentials.key", nodeCredentialKey);
        properties.put("rtml.targets.allowed-schemes", "http");
        properties.put("rtml.targets.allowed-cidrs", "127.0.0.0/8");
        return properties;
    }

    private static String[] arguments(Map<String, Object> properties) {
        return properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }
}
