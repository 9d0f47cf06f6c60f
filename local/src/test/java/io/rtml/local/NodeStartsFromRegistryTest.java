package io.rtml.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.deployer.DeployerApplication;
import io.rtml.registry.RegistryApiApplication;
import io.rtml.registry.target.NodeAuthenticator;
import io.rtml.registry.target.Target;
import io.rtml.registry.target.TargetRepository;
import io.rtml.registry.target.TargetService;
import io.rtml.scoring.NodeConfig;
import io.rtml.scoring.ScoringNode;
import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import io.rtml.testing.TestDatabase;
import io.rtml.testing.TestS3;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A scoring node that starts with an empty disk asks the real registry (the registry-api app on
 * PostgreSQL and s3proxy) for its desired state and serves it with no deployer running. The
 * desired state is made the real way first: a deployer deploys a version to the target, then stops.
 */
class NodeStartsFromRegistryTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN_TOKEN = "local-test-admin-" + UUID.randomUUID();
    private static final String NODE_CREDENTIAL_KEY = "local-test-node-credential-key-" + UUID.randomUUID();
    private static final String IRIS_INFER = "{\"inputs\":[{\"name\":\"float_input\",\"datatype\":\"FP32\","
            + "\"shape\":[1,4],\"data\":[5.1,3.5,1.4,0.2]}]}";

    static ConfigurableApplicationContext registry;
    static String api;
    final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path home;

    @BeforeAll
    static void startRegistry() throws IOException {
        Map<String, Object> properties = infrastructure();
        properties.put("server.port", "0");
        properties.put("rtml.security.bootstrap-admin-token", ADMIN_TOKEN);
        properties.put("rtml.registry.upload.spool-dir", Files.createTempDirectory("rtml-spool").toString());
        registry = new SpringApplicationBuilder(RegistryApiApplication.class).run(arguments(properties));
        api = "http://127.0.0.1:" + registry.getEnvironment().getProperty("local.server.port");
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @Test
    void aNodeStartedEmptyServesItsDesiredVersionWithoutAnyDeployer() throws Exception {
        String target = unique("hub");
        String service = unique("iris");
        Path firstDisk = home.resolve("first");
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String credential = call("POST", "/api/v1/targets", ADMIN_TOKEN, Map.of("name", target, "kind", "HUB",
                "region", "test", "baseUrl", "http://127.0.0.1:" + port)).path("nodeCredential").asString();
        try (ScoringNode first = node(target, port, firstDisk, credential, false)) {
            deployWithARealDeployer(target, service);
        }

        try (ScoringNode restarted = node(target, 0, home.resolve("empty-disk"), credential, true)) {
            await().atMost(Duration.ofSeconds(60)).until(restarted::ready);
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + restarted.port() + "/v2/models/" + service + "/infer"))
                    .POST(HttpRequest.BodyPublishers.ofString(IRIS_INFER)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.headers().firstValue("Rtml-Model-Version")).hasValue("2");
        }
        assertThat(Files.list(home.resolve("empty-disk").resolve("artifacts")))
                .as("downloaded from the presigned URL and kept").hasSize(1);
    }

    @Test
    void theEmbeddedStackKeepsOneNodeCredentialPerNode() throws Exception {
        String target = unique("edge");
        LocalNodes.Node node = new LocalNodes.Node(target, Target.Kind.EDGE, "test", 1);
        TargetService targets = registry.getBean(TargetService.class);
        NodeAuthenticator nodes = registry.getBean(NodeAuthenticator.class);
        LocalNodes.register(List.of(node), home, targets, registry.getBean(TargetRepository.class));

        String credential = LocalNodes.credential(node, home, targets, nodes);
        assertThat(credential).startsWith("rtml_node_");
        assertThat(LocalNodes.credential(node, home, targets, nodes)).as("kept across restarts").isEqualTo(credential);
        assertThat(call("GET", "/api/v1/targets/" + target + "/desired-state", credential).path("target").asString())
                .isEqualTo(target);
        assertThat(status("GET", "/api/v1/targets/hub/desired-state", credential)).as("other targets").isEqualTo(403);
        assertThat(status("GET", "/api/v1/models", credential)).as("anything else").isEqualTo(403);

        Files.writeString(home.resolve("node-credential-" + target), "rtml_node_from_a_database_that_was_reset\n");
        String replaced = LocalNodes.credential(node, home, targets, nodes);
        assertThat(replaced).isNotEqualTo(credential).startsWith("rtml_node_");
        assertThat(status("GET", "/api/v1/targets/" + target + "/desired-state", replaced)).isEqualTo(200);
        assertThat(status("GET", "/api/v1/targets/" + target + "/desired-state", credential)).isEqualTo(401);
    }

    /** Version 1 then 2 of a model, deployed to {@code target} by a real deployer that is stopped afterwards. */
    private void deployWithARealDeployer(String target, String service) throws Exception {
        ReferenceModel iris = ReferenceModels.bundled("sklearn_rf_iris_zipmap");
        call("POST", "/api/v1/models", ADMIN_TOKEN, Map.of("name", service + "-model"));
        for (int v = 1; v <= 2; v++) {
            call("POST", "/api/v1/models/" + service + "-model/versions", ADMIN_TOKEN, iris.readBytes());
        }
        call("POST", "/api/v1/services", ADMIN_TOKEN, Map.of("name", service, "model", service + "-model"));
        Map<String, Object> properties = infrastructure();
        properties.put("server.port", "0");
        try (ConfigurableApplicationContext deployer = DeployerApplication.application().run(arguments(properties))) {
            long id = call("POST", "/api/v1/services/" + service + "/deployments", ADMIN_TOKEN,
                    Map.of("version", 2, "targets", List.of(target))).path("id").asLong();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> call("GET",
                    "/api/v1/services/" + service + "/deployments/" + id, ADMIN_TOKEN).path("status").asString()
                    .equals("SUCCEEDED"));
        }
    }

    /** A node that takes its target's node credential; with {@code askRegistry}, it also shows it to the registry. */
    private static ScoringNode node(String name, int port, Path dataDir, String credential, boolean askRegistry) {
        Map<String, String> settings = new HashMap<>(Map.of("rtml.scoring.port", String.valueOf(port),
                "rtml.scoring.bind-address", "127.0.0.1", "rtml.scoring.admin-token", credential,
                "rtml.scoring.data-dir", dataDir.toString(), "rtml.scoring.node.name", name,
                "rtml.scoring.io-threads", "1"));
        if (askRegistry) {
            settings.put("rtml.scoring.registry.url", api);
        }
        ScoringNode node = ScoringNode.start(NodeConfig.load(settings::get));
        await().atMost(Duration.ofSeconds(60)).until(node::ready);
        return node;
    }

    private JsonNode call(String method, String path, String token, Object body) throws Exception {
        HttpResponse<String> response = send(method, path, token, body);
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
        return JSON.readTree(response.body());
    }

    private JsonNode call(String method, String path, String token) throws Exception {
        return call(method, path, token, null);
    }

    private int status(String method, String path, String token) throws Exception {
        return send(method, path, token, null).statusCode();
    }

    private HttpResponse<String> send(String method, String path, String token, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path))
                .header("Authorization", "Bearer " + token);
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

    private static Map<String, Object> infrastructure() {
        TestDatabase.Connection db = TestDatabase.get();
        var s3 = TestS3.server();
        Map<String, Object> properties = new HashMap<>();
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

    /** As command-line arguments: they outrank the apps' own settings files (default properties would not). */
    private static String[] arguments(Map<String, Object> properties) {
        return properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
