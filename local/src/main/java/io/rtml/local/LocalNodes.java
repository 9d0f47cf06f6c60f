package io.rtml.local;

import io.rtml.registry.access.Actor;
import io.rtml.registry.target.CreateTargetRequest;
import io.rtml.registry.target.NodeAuthenticator;
import io.rtml.registry.target.Target;
import io.rtml.registry.target.TargetRepository;
import io.rtml.registry.target.TargetService;
import io.rtml.scoring.NodeConfig;
import io.rtml.scoring.ScoringNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded stack's scoring nodes: a hub and two edges in this process, each with its own port
 * and data folder, registered as targets in the registry the first time. Each node takes its
 * target's own node credential, kept in the data folder like the other secrets: the deployer shows
 * it on admin calls, and the node shows it to the registry to read its desired state when it
 * starts with an empty data folder.
 */
final class LocalNodes implements AutoCloseable {

    /** One node of the embedded stack. */
    record Node(String name, Target.Kind kind, String region, int port) {

        String baseUrl() {
            return "http://127.0.0.1:" + port;
        }
    }

    private final List<ScoringNode> running = new ArrayList<>();

    static List<Node> layout(int firstPort) {
        return List.of(new Node("hub", Target.Kind.HUB, "central", firstPort),
                new Node("edge-eu", Target.Kind.EDGE, "eu", firstPort + 1),
                new Node("edge-us", Target.Kind.EDGE, "us", firstPort + 2));
    }

    /** @param credentials per node name, its target's node credential */
    void start(List<Node> nodes, Path home, String registryUrl, Map<String, String> credentials) {
        for (Node node : nodes) {
            Map<String, String> settings = new HashMap<>(Map.of(
                    "rtml.scoring.node.name", node.name(),
                    "rtml.scoring.node.kind", node.kind().name(),
                    "rtml.scoring.node.region", node.region(),
                    "rtml.scoring.bind-address", "127.0.0.1",
                    "rtml.scoring.port", String.valueOf(node.port()),
                    "rtml.scoring.admin-token", credentials.get(node.name()),
                    "rtml.scoring.data-dir", home.resolve("nodes").resolve(node.name()).toString(),
                    "rtml.scoring.io-threads", "1",
                    "rtml.scoring.registry.url", registryUrl));
            running.add(ScoringNode.start(NodeConfig.load(settings::get)));
        }
    }

    /** Registers the nodes that the registry does not know yet, keeping the credential each gets. */
    static void register(List<Node> nodes, Path home, TargetService targets, TargetRepository repository)
            throws IOException {
        for (Node node : nodes) {
            if (repository.findByName(node.name()).isEmpty()) {
                String credential = targets.create(new CreateTargetRequest(node.name(), node.kind(), node.region(),
                        node.baseUrl(), null, Map.of("stack", "local")), Actor.system()).nodeCredential();
                LocalSecret.write(home, credentialFile(node), credential);
            }
        }
    }

    /**
     * The node credential of {@code node}: the one kept in the data folder while the registry still
     * accepts it for this target, else a new one (a target registered before node credentials
     * existed, or a database that was reset); the registry keeps only hashes, so a lost one is rotated.
     */
    static String credential(Node node, Path home, TargetService targets, NodeAuthenticator nodes) throws IOException {
        String kept = LocalSecret.read(home, credentialFile(node));
        if (kept != null && nodes.authenticate(kept, "127.0.0.1").filter(a -> a.name().equals("node:" + node.name()))
                .isPresent()) {
            return kept;
        }
        String fresh = targets.rotateCredential(node.name(), Actor.system()).nodeCredential();
        LocalSecret.write(home, credentialFile(node), fresh);
        return fresh;
    }

    private static String credentialFile(Node node) {
        return "node-credential-" + node.name();
    }

    @Override
    public void close() {
        running.forEach(ScoringNode::close);
    }
}
