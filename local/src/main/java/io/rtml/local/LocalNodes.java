package io.rtml.local;

import io.rtml.registry.access.Actor;
import io.rtml.registry.access.CreateTokenRequest;
import io.rtml.registry.access.Role;
import io.rtml.registry.access.TokenService;
import io.rtml.registry.target.CreateTargetRequest;
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
import java.util.Set;

/**
 * The embedded stack's scoring nodes: a hub and two edges in this process, each with its own port
 * and data folder, registered as targets in the registry the first time. Each node may ask the
 * registry for its desired state when it starts with an empty data folder, with a token of its own
 * (deployer role, scoped to its target), kept in the data folder like the other secrets.
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

    /** @param registryTokens per node name, the token it shows the registry at {@code registryUrl} */
    void start(List<Node> nodes, Path home, String nodeToken, String registryUrl, Map<String, String> registryTokens) {
        for (Node node : nodes) {
            Map<String, String> settings = new HashMap<>(Map.of(
                    "rtml.scoring.node.name", node.name(),
                    "rtml.scoring.node.kind", node.kind().name(),
                    "rtml.scoring.node.region", node.region(),
                    "rtml.scoring.bind-address", "127.0.0.1",
                    "rtml.scoring.port", String.valueOf(node.port()),
                    "rtml.scoring.admin-token", nodeToken,
                    "rtml.scoring.data-dir", home.resolve("nodes").resolve(node.name()).toString(),
                    "rtml.scoring.io-threads", "1",
                    "rtml.scoring.registry.url", registryUrl));
            settings.put("rtml.scoring.registry.token", registryTokens.get(node.name()));
            running.add(ScoringNode.start(NodeConfig.load(settings::get)));
        }
    }

    /** Registers the nodes that the registry does not know yet; kept as they are otherwise. */
    static void register(List<Node> nodes, TargetService targets, TargetRepository repository) {
        for (Node node : nodes) {
            if (repository.findByName(node.name()).isEmpty()) {
                targets.create(new CreateTargetRequest(node.name(), node.kind(), node.region(), node.baseUrl(), null,
                        Map.of("stack", "local")), Actor.system());
            }
        }
    }

    /**
     * The registry token of {@code node}: the one kept in the data folder while the registry still
     * accepts it, else a new one (first start, or a database that was reset).
     */
    static String registryToken(Node node, Path home, TokenService tokens) throws IOException {
        String file = "registry-token-" + node.name();
        String kept = LocalSecret.read(home, file);
        if (kept != null && tokens.authenticate(kept, "127.0.0.1").isPresent()) {
            return kept;
        }
        String secret = tokens.create(new CreateTokenRequest("node-" + node.name(), Set.of(Role.DEPLOYER),
                List.of(node.name()), null), Actor.system()).secret();
        LocalSecret.write(home, file, secret);
        return secret;
    }

    @Override
    public void close() {
        running.forEach(ScoringNode::close);
    }
}
