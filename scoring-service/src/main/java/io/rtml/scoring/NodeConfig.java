package io.rtml.scoring;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

/**
 * The node's configuration. Each setting is read from the system property {@code rtml.scoring.*}
 * or, when absent, from the matching environment variable ({@code rtml.scoring.node.name} →
 * {@code RTML_SCORING_NODE_NAME}); the defaults are listed in docs/scoring-service.md.
 */
public record NodeConfig(
        String nodeName,
        String nodeKind,
        String region,
        String bindAddress,
        int port,
        String adminToken,
        Path dataDir,
        int maxBodyBytes,
        int standbyVersions,
        int ioThreads,
        int ioSpinMicros,
        int intraOpThreads,
        int maxBatchRows,
        int adminThreads,
        Duration downloadTimeout,
        ServiceKeys apiKeys,
        RegistryLink registry) {

    /**
     * Where a node that starts with nothing to restore asks for its desired state:
     * {@code GET {url}/api/v1/targets/{target}/desired-state} with {@code Authorization: Bearer
     * {token}}: the target's node credential ({@code rtml.scoring.registry.token}, by default the
     * admin token, which is that same credential), which may read only this target's desired state.
     */
    public record RegistryLink(URI url, String target, String token) {

        @Override
        public String toString() {
            return url + " target=" + target + " token=" + (token == null ? "unset" : "set");
        }
    }

    /**
     * Rows one merged ONNX Runtime run may take (dynamic batching; 1 = off). A cap, not a target:
     * a batch is whatever one event-loop iteration read, so with few connections nothing waits.
     * 32 because the per-row cost of the small tabular models has flattened out by then (xgboost:
     * 5.2 µs for 1 row, 0.6 µs a row at 32) and a larger model's merged run stays short.
     */
    public static final int DEFAULT_MAX_BATCH_ROWS = 32;

    public NodeConfig {
        nodeKind = nodeKind.toUpperCase(Locale.ROOT);
        if (!nodeKind.equals("HUB") && !nodeKind.equals("EDGE")) {
            throw new IllegalArgumentException("rtml.scoring.node.kind must be HUB or EDGE, not " + nodeKind);
        }
        if (port < 0 || port > 65535 || maxBodyBytes < 1024 || standbyVersions < 0 || ioThreads < 1
                || ioSpinMicros < 0 || intraOpThreads < 1 || maxBatchRows < 1 || adminThreads < 1) {
            throw new IllegalArgumentException("invalid scoring node configuration: " + NodeConfig.this);
        }
    }

    /** From system properties and environment variables. */
    public static NodeConfig fromEnvironment() {
        return load(key -> {
            String v = System.getProperty(key);
            return v != null ? v : System.getenv(envName(key));
        });
    }

    /** From any lookup of {@code rtml.scoring.*} keys (tests pass a map); unset keys take defaults. */
    public static NodeConfig load(Function<String, String> lookup) {
        Settings s = new Settings(lookup);
        String nodeName = s.string("rtml.scoring.node.name", "local");
        return new NodeConfig(
                nodeName,
                s.string("rtml.scoring.node.kind", "HUB"),
                s.string("rtml.scoring.node.region", "local"),
                s.string("rtml.scoring.bind-address", "0.0.0.0"),
                s.integer("rtml.scoring.port", 8090),
                s.string("rtml.scoring.admin-token", null),
                Path.of(s.string("rtml.scoring.data-dir", "data/scoring")),
                s.integer("rtml.scoring.max-body-bytes", 16 * 1024 * 1024),
                s.integer("rtml.scoring.standby-versions", 2),
                s.integer("rtml.scoring.io-threads", Runtime.getRuntime().availableProcessors()),
                s.integer("rtml.scoring.io-spin-micros", 0),
                s.integer("rtml.scoring.intra-op-threads", 1),
                s.integer("rtml.scoring.max-batch-rows", DEFAULT_MAX_BATCH_ROWS),
                s.integer("rtml.scoring.admin-threads", 2),
                Duration.ofSeconds(s.integer("rtml.scoring.download-timeout-seconds", 300)),
                ServiceKeys.parse(s.string("rtml.scoring.api-keys", null)),
                registry(s, nodeName));
    }

    /** Null (no desired-state fetch) when no URL is set; the token may be missing (the node then says so). */
    private static RegistryLink registry(Settings s, String nodeName) {
        String url = s.string("rtml.scoring.registry.url", null);
        String target = s.string("rtml.scoring.registry.target", nodeName);
        // A node credential is both the admin token and the registry token, so one setting is enough.
        String token = s.string("rtml.scoring.registry.token", s.string("rtml.scoring.admin-token", null));
        if (url == null) {
            return null;
        }
        try {
            URI uri = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
                throw new URISyntaxException(url, "not http or https");
            }
            return new RegistryLink(uri, target, token);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("rtml.scoring.registry.url (RTML_SCORING_REGISTRY_URL) must be an http(s)"
                    + " URL, not " + url);
        }
    }

    static String envName(String key) {
        return key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        // Never print the token.
        return "NodeConfig[name=" + nodeName + ", kind=" + nodeKind + ", region=" + region + ", bind=" + bindAddress
                + ":" + port + ", dataDir=" + dataDir + ", maxBodyBytes=" + maxBodyBytes + ", standby="
                + standbyVersions + ", ioThreads=" + ioThreads + ", ioSpinMicros=" + ioSpinMicros + ", intraOpThreads=" + intraOpThreads + ", maxBatchRows=" + maxBatchRows
                + ", adminThreads=" + adminThreads + ", downloadTimeout=" + downloadTimeout
                + ", adminToken=" + (adminToken == null || adminToken.isBlank() ? "unset" : "set")
                + ", apiKeys=" + (apiKeys == null ? 0 : apiKeys.services()) + " services"
                + ", registry=" + (registry == null ? "unset" : registry) + "]";
    }

    private record Settings(Function<String, String> lookup) {

        String string(String key, String fallback) {
            String v = lookup.apply(key);
            return v == null || v.isBlank() ? fallback : v.trim();
        }

        int integer(String key, int fallback) {
            String v = string(key, null);
            try {
                return v == null ? fallback : Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " (" + envName(key) + ") must be an integer, not " + v);
            }
        }
    }
}
