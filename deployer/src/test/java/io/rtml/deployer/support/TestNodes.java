package io.rtml.deployer.support;

import static org.awaitility.Awaitility.await;

import io.rtml.scoring.NodeConfig;
import io.rtml.scoring.ScoringNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Real scoring nodes in this JVM on loopback ports, each with its own data dir. */
public final class TestNodes {

    public static final String TOKEN = "deployer-test-node-token";

    private TestNodes() {}

    /** A running node; {@link #restartEmpty()} starts a fresh one on the same port with an empty data dir. */
    public static final class Node implements AutoCloseable {

        public final String name;
        private final String kind;
        private final String adminToken;
        private ScoringNode node;
        private boolean running = true;
        private final int port;
        private Path dataDir;

        Node(String name, String kind, int port) {
            this(name, kind, port, TOKEN);
        }

        Node(String name, String kind, int port, String adminToken) {
            this.name = name;
            this.kind = kind;
            this.adminToken = adminToken;
            this.dataDir = tempDir(name);
            this.node = start(name, kind, port, dataDir, adminToken);
            this.port = node.port();
        }

        public int port() {
            return port;
        }

        public String baseUrl() {
            return "http://127.0.0.1:" + port;
        }

        public void stop() {
            if (running) {
                running = false;
                node.close();
            }
        }

        public void restartEmpty() {
            stop();
            dataDir = tempDir(name);
            node = start(name, kind, port, dataDir, adminToken);
            running = true;
        }

        /** Starts it again on the same port with the data dir it had: it comes back holding what it held. */
        public void restart() {
            stop();
            node = start(name, kind, port, dataDir, adminToken);
            running = true;
        }

        @Override
        public void close() {
            stop();
        }
    }

    public static Node hub(String name) {
        return new Node(name, "HUB", 0);
    }

    public static Node edge(String name) {
        return new Node(name, "EDGE", 0);
    }

    /** An edge that takes only {@code adminToken}: its target's node credential. */
    public static Node edge(String name, String adminToken) {
        return new Node(name, "EDGE", 0, adminToken);
    }

    private static ScoringNode start(String name, String kind, int port, Path dataDir, String adminToken) {
        Map<String, String> settings = Map.of(
                "rtml.scoring.port", Integer.toString(port),
                "rtml.scoring.bind-address", "127.0.0.1",
                "rtml.scoring.admin-token", adminToken,
                "rtml.scoring.data-dir", dataDir.toString(),
                "rtml.scoring.node.name", name,
                "rtml.scoring.node.kind", kind,
                "rtml.scoring.node.region", "test",
                "rtml.scoring.io-threads", "1",
                "rtml.scoring.admin-threads", "2");
        ScoringNode node = ScoringNode.start(NodeConfig.load(settings::get));
        await().atMost(Duration.ofSeconds(60)).until(node::ready);
        return node;
    }

    private static Path tempDir(String name) {
        try {
            return Files.createTempDirectory("rtml-node-" + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
