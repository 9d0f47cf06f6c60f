package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.testing.ReferenceModels.ReferenceModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A real scoring node on a random port with its own data dir, plus helpers to stage models on it. */
final class TestNode implements AutoCloseable {

    static final String TOKEN = "test-node-token";

    final ScoringNode node;
    final NodeClient client;
    final Path dataDir;

    private TestNode(ScoringNode node, Path dataDir) {
        this.node = node;
        this.dataDir = dataDir;
        this.client = new NodeClient(node.port(), node.adminPort(), TOKEN);
    }

    static TestNode start(Path dataDir, Map<String, String> overrides) {
        TestNode t = startLive(dataDir, overrides);
        await().atMost(Duration.ofSeconds(60)).until(t.node::ready);
        return t;
    }

    /** A started node that may not be ready yet (it is live: its port answers). */
    static TestNode startLive(Path dataDir, Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "rtml.scoring.port", "0",
                "rtml.scoring.bind-address", "127.0.0.1",
                "rtml.scoring.admin-token", TOKEN,
                "rtml.scoring.data-dir", dataDir.toString(),
                "rtml.scoring.node.name", "test-edge",
                "rtml.scoring.node.kind", "EDGE",
                "rtml.scoring.node.region", "eu-test"));
        settings.putAll(overrides);
        return new TestNode(ScoringNode.start(NodeConfig.load(settings::get)), dataDir);
    }

    static TestNode start(Path dataDir) {
        return start(dataDir, Map.of());
    }

    NodeClient.Response stage(String service, int version, String url, String sha256, long size, List<String> features) {
        return stage(service, version, url, sha256, size, features, null);
    }

    /** A stage call that waits at most {@code waitMillis} (null: until done) before answering 202. */
    NodeClient.Response stage(String service, int version, String url, String sha256, long size, List<String> features,
            Long waitMillis) {
        Map<String, Object> body = new HashMap<>();
        if (waitMillis != null) {
            body.put("waitMillis", waitMillis);
        }
        body.put("service", service);
        body.put("version", version);
        body.put("versionId", service + "-v" + version);
        body.put("artifactUrl", url);
        body.put("sha256", sha256);
        body.put("sizeBytes", size);
        if (features != null) {
            body.put("featureNames", features);
        }
        return client.admin("POST", "/admin/v1/stage", body);
    }

    /** Stages and activates a reference model, asserting both succeed. */
    void deploy(ArtifactServer artifacts, String service, int version, ReferenceModel model, List<String> features) {
        String url = artifacts.put(service + "-" + version + ".onnx", model.readBytes());
        NodeClient.Response staged = stage(service, version, url, model.sha256(), model.bytes(), features);
        assertThat(staged.status()).as("stage %s: %s", model.name(), staged.raw()).isEqualTo(200);
        NodeClient.Response activated = activate(service, version);
        assertThat(activated.status()).as("activate: %s", activated.raw()).isEqualTo(200);
    }

    NodeClient.Response activate(String service, int version) {
        return client.admin("POST", "/admin/v1/activate", Map.of("service", service, "version", version));
    }

    NodeClient.Response unload(String service, int version) {
        return client.admin("POST", "/admin/v1/unload", Map.of("service", service, "version", version));
    }

    @Override
    public void close() {
        node.close();
    }
}
