package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.rtml.scoring.desired.DesiredStateLoader;
import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Readiness of a node that starts empty and asks the registry for its desired state: live at once,
 * ready only once it knows what it should serve and all of it is active (or the registry said
 * "nothing"). The registry is stood in for by a plain HTTP server serving the desired-state
 * document (loading from a real registry: NodeStartsFromRegistryTest in the local module).
 */
class DesiredStateTest {

    private static final String DESIRED_PATH = "api/v1/targets/test-edge/desired-state";

    @TempDir
    Path dataDir;

    @Test
    void aNodeThatCannotReachTheRegistryIsLiveButNotReadyAndSaysWhyOnce() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Logger logger = (Logger) LoggerFactory.getLogger(DesiredStateLoader.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try (TestNode node = TestNode.startLive(dataDir, registry("http://127.0.0.1:" + closedPort))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !lines.list.isEmpty());
            assertThat(node.client.get("/v2/health/live").status()).isEqualTo(200);
            assertThat(node.client.get("/v2/health/ready").status()).isEqualTo(503);
            assertThat(node.client.get("/v2/health/ready").body().path("ready").asBoolean()).isFalse();
            // A service it does not know yet may be one it should serve: 503, not 404.
            assertThat(node.client.post("/v2/models/anything/infer", AdminApiTest.IRIS_INFER).status()).isEqualTo(503);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> node.client.get("/v2/health/ready").status() == 503);
        } finally {
            logger.detachAppender(lines);
        }
        List<ILoggingEvent> warnings = lines.list.stream().filter(l -> l.getLevel() == Level.WARN).toList();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0).getFormattedMessage())
                .startsWith("desired state not loaded, the node is not ready until it is")
                .contains("127.0.0.1:" + closedPort + "/api/v1/targets/test-edge/desired-state unreachable")
                .doesNotContain("rtml_node_token");
    }

    @Test
    void itBecomesReadyOnceTheRegistryAnswersAndEveryDesiredServiceIsActive() {
        try (ArtifactServer registry = new ArtifactServer();
                TestNode node = TestNode.startLive(dataDir, registry(registryUrl(registry)))) {
            // The registry answers 404 at first: the desired state cannot be loaded.
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                    .until(() -> node.client.get("/v2/health/ready").status() == 503);
            assertThat(node.client.get("/v2/health/live").status()).isEqualTo(200);

            ReferenceModel iris = ReferenceModels.named("sklearn_rf_iris_zipmap");
            byte[] pad = io.rtml.testing.WarmupHostileModels.reflectPad();
            String irisUrl = registry.put("iris.onnx", iris.readBytes());
            String padUrl = registry.put("pad.onnx", pad);
            registry.put(DESIRED_PATH, json(Map.of("target", "test-edge", "services", List.of(
                    Map.of("service", "iris", "version", 1, "sha256", iris.sha256(), "sizeBytes", iris.bytes(),
                            "artifactUrl", irisUrl),
                    Map.of("service", "pad", "version", 3, "sha256", WarmupTest.sha256(pad), "sizeBytes", pad.length,
                            "artifactUrl", padUrl, "example", WarmupTest.PAD_EXAMPLE)))));

            await().atMost(Duration.ofSeconds(60)).until(() -> node.client.get("/v2/health/ready").status() == 200);
            assertThat(node.client.post("/v2/models/iris/infer", AdminApiTest.IRIS_INFER).status()).isEqualTo(200);
            assertThat(node.client.post("/v2/models/pad/infer", WarmupTest.PAD_INFER).modelVersion()).isEqualTo("3");
            // The example came with the desired state and fed the warm-up.
            assertThat(AdminApiTest.stateOf(node).findValues("warmup")).extracting(w -> w.path("input").asString())
                    .contains("example");
        }
    }

    @Test
    void anExplicitEmptyDesiredStateMakesItReady() {
        try (ArtifactServer registry = new ArtifactServer()) {
            registry.put(DESIRED_PATH, json(Map.of("target", "test-edge", "services", List.of())));
            try (TestNode node = TestNode.startLive(dataDir, registry(registryUrl(registry)))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> node.client.get("/v2/health/ready").status() == 200);
                assertThat(node.client.post("/v2/models/anything/infer", AdminApiTest.IRIS_INFER).status())
                        .isEqualTo(404);
            }
        }
    }

    @Test
    void aRestartedNodeIsNotReadyUntilEveryServiceItServedIsActiveAgain() throws IOException {
        ReferenceModel iris = ReferenceModels.named("sklearn_rf_iris_zipmap");
        try (ArtifactServer artifacts = new ArtifactServer();
                TestNode node = restartedWithoutItsArtifact(artifacts, iris)) {
            node.deploy(artifacts, "iris", 1, iris, null); // what the deployer's reconciliation does
            assertThat(node.client.get("/v2/health/ready").status()).isEqualTo(200);
        }
    }

    @Test
    void aServiceRemovedWhileTheNodeWaitsForItNoLongerKeepsItUnready() throws IOException {
        ReferenceModel iris = ReferenceModels.named("sklearn_rf_iris_zipmap");
        try (ArtifactServer artifacts = new ArtifactServer();
                TestNode node = restartedWithoutItsArtifact(artifacts, iris)) {
            // What an undeployment does: the service it waited for is gone, so is the wait.
            assertThat(node.client.admin("POST", "/admin/v1/remove", Map.of("service", "iris")).status())
                    .isEqualTo(200);
            assertThat(node.client.get("/v2/health/ready").status()).isEqualTo(200);
        }
    }

    /**
     * A node that served "iris", restarted after its artifact was lost: the restore cannot bring
     * the service back, so the node is live and not ready.
     */
    private TestNode restartedWithoutItsArtifact(ArtifactServer artifacts, ReferenceModel iris) throws IOException {
        try (TestNode node = TestNode.start(dataDir)) {
            node.deploy(artifacts, "iris", 1, iris, null);
        }
        try (var files = Files.list(dataDir.resolve("artifacts"))) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        TestNode node = TestNode.startLive(dataDir, Map.of());
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> node.client.get("/v2/health/ready").status() == 503);
        return node;
    }

    private static Map<String, String> registry(String url) {
        return Map.of("rtml.scoring.registry.url", url, "rtml.scoring.registry.token", "rtml_node_token");
    }

    private static String registryUrl(ArtifactServer server) {
        String any = server.put("ping", new byte[0]);
        return any.substring(0, any.indexOf("/ping"));
    }

    private static byte[] json(Object value) {
        return JsonMapper.builder().build().writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
    }
}
