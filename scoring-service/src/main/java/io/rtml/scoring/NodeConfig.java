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
        int inlineMaxMicros,
        int modelThreads,
        int modelQueue,
        int adminThreads,
        Duration downloadTimeout,
        long artifactCacheBytes,
        ServiceKeys apiKeys,
        RegistryLink registry,
        long maxTensorBytes,
        Duration readIdleTimeout,
        Duration requestTimeout,
        long maxUnfinishedBodyBytes,
        int adminPort,
        boolean telemetry,
        int grpcPort,
        GrpcLimits grpc) {

    /**
     * What the gRPC listener allows one client, besides the limits it shares with HTTP (largest
     * message = {@code max-body-bytes}; bytes of unfinished requests count against the node-wide
     * {@code max-unfinished-body-bytes}): concurrent calls on one connection (HTTP/2
     * MAX_CONCURRENT_STREAMS), time from accept to the client's HTTP/2 settings, how often a client
     * may ping, how long a connection with no call stays open, the metadata (header) bytes of a call,
     * how many streams a client may reset in a window ({@code maxResetsPerWindow} 0 = no bound: the
     * HTTP/2 rapid-reset attack, CVE-2023-44487), and how long a connection may live before it is
     * sent a graceful GOAWAY ({@code maxConnectionAge} zero = for ever) and then closed after
     * {@code maxConnectionAgeGrace}.
     */
    public record GrpcLimits(int maxCallsPerConnection, Duration handshakeTimeout, Duration permitKeepAlive,
            Duration maxConnectionIdle, int maxMetadataBytes, int maxResetsPerWindow, Duration resetWindow,
            Duration maxConnectionAge, Duration maxConnectionAgeGrace) {}

    /**
     * Streams a client may reset per {@link #DEFAULT_RESET_WINDOW_SECONDS} before its connection is
     * closed with {@code GOAWAY ENHANCE_YOUR_CALM}: Netty's own default for HTTP/2 servers since its
     * CVE-2023-44487 fix (200 per 30 s), which grpc-java mirrors but leaves off. A client that cancels
     * a call now and then (a deadline) resets one stream per call, far below 7 a second.
     */
    public static final int DEFAULT_MAX_RESETS_PER_WINDOW = 200;
    public static final int DEFAULT_RESET_WINDOW_SECONDS = 30;

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

    /** {@code admin-port} unset: the admin API is served on the prediction port, as it always was. */
    public static final int SAME_PORT = -1;

    /**
     * {@code grpc-port} unset: no gRPC listener. Off by default because a port a node opens by itself
     * is one more thing to publish or firewall; 8001 (Triton's) is the documented choice.
     */
    public static final int NO_GRPC = -1;

    /**
     * A version whose warm-up run of one row took longer than this runs on the model executor
     * instead of the event loop. 2 ms: the tabular models run in 5–50 µs and stay inline with a
     * wide margin on a loaded machine, while a model of tens of milliseconds is far above it.
     */
    public static final int DEFAULT_INLINE_MAX_MICROS = 2000;
    /** Disk the artifact cache may use for versions nothing loaded needs any more (MiB): 10 GiB. */
    public static final int DEFAULT_ARTIFACT_CACHE_MIB = 10 * 1024;

    public NodeConfig {
        nodeKind = nodeKind.toUpperCase(Locale.ROOT);
        if (!nodeKind.equals("HUB") && !nodeKind.equals("EDGE")) {
            throw new IllegalArgumentException("rtml.scoring.node.kind must be HUB or EDGE, not " + nodeKind);
        }
        if (port < 0 || port > 65535 || maxBodyBytes < 1024 || standbyVersions < 0 || ioThreads < 1
                || ioSpinMicros < 0 || intraOpThreads < 1 || maxBatchRows < 1 || adminThreads < 1
                || inlineMaxMicros < 0 || modelThreads < 1 || modelQueue < 1
                || maxTensorBytes < 1024 || readIdleTimeout.toMillis() < 1 || requestTimeout.toMillis() < 1
                || maxUnfinishedBodyBytes < maxBodyBytes || adminPort < SAME_PORT || adminPort > 65535
                || (adminPort == port && port != 0) || grpcPort < NO_GRPC || grpcPort > 65535
                || (grpcPort > 0 && (grpcPort == port || grpcPort == adminPort))
                || grpc.maxCallsPerConnection() < 1 || grpc.handshakeTimeout().toMillis() < 1
                || grpc.permitKeepAlive().isNegative() || grpc.maxConnectionIdle().toMillis() < 1
                || grpc.maxMetadataBytes() < 1024 || grpc.maxResetsPerWindow() < 0
                || grpc.resetWindow().toSeconds() < 1 || grpc.maxConnectionAge().isNegative()
                || grpc.maxConnectionAgeGrace().isNegative()) {
            throw new IllegalArgumentException("invalid scoring node configuration: " + NodeConfig.this);
        }
        if (artifactCacheBytes < 0) {
            throw new IllegalArgumentException("rtml.scoring.artifact-cache-mib (RTML_SCORING_ARTIFACT_CACHE_MIB) must not be "
                    + "negative");
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
        int maxBodyBytes = s.integer("rtml.scoring.max-body-bytes", 16 * 1024 * 1024);
        return new NodeConfig(
                nodeName,
                s.string("rtml.scoring.node.kind", "HUB"),
                s.string("rtml.scoring.node.region", "local"),
                s.string("rtml.scoring.bind-address", "0.0.0.0"),
                s.integer("rtml.scoring.port", 8090),
                s.string("rtml.scoring.admin-token", null),
                Path.of(s.string("rtml.scoring.data-dir", "data/scoring")),
                maxBodyBytes,
                s.integer("rtml.scoring.standby-versions", 2),
                s.integer("rtml.scoring.io-threads", Runtime.getRuntime().availableProcessors()),
                s.integer("rtml.scoring.io-spin-micros", 0),
                s.integer("rtml.scoring.intra-op-threads", 1),
                s.integer("rtml.scoring.max-batch-rows", DEFAULT_MAX_BATCH_ROWS),
                s.integer("rtml.scoring.inline-max-micros", DEFAULT_INLINE_MAX_MICROS),
                s.integer("rtml.scoring.model-threads", Runtime.getRuntime().availableProcessors()),
                s.integer("rtml.scoring.model-queue", 256),
                s.integer("rtml.scoring.admin-threads", 2),
                Duration.ofSeconds(s.integer("rtml.scoring.download-timeout-seconds", 300)),
                s.integer("rtml.scoring.artifact-cache-mib", DEFAULT_ARTIFACT_CACHE_MIB) * (1L << 20),
                ServiceKeys.parse(s.string("rtml.scoring.api-keys", null)),
                registry(s, nodeName),
                // A body decodes into at most four times its bytes (an 8-byte value per "0,").
                s.longInteger("rtml.scoring.max-tensor-bytes", 4L * maxBodyBytes),
                Duration.ofMillis(s.integer("rtml.scoring.read-idle-timeout-millis", 30_000)),
                Duration.ofMillis(s.integer("rtml.scoring.request-timeout-millis", 60_000)),
                s.longInteger("rtml.scoring.max-unfinished-body-bytes", 4L * maxBodyBytes),
                s.integer("rtml.scoring.admin-port", SAME_PORT),
                s.bool("rtml.scoring.telemetry", true),
                s.integer("rtml.scoring.grpc-port", NO_GRPC),
                new GrpcLimits(s.integer("rtml.scoring.grpc.max-calls-per-connection", 100),
                        Duration.ofMillis(s.integer("rtml.scoring.grpc.handshake-timeout-millis", 10_000)),
                        Duration.ofMillis(s.integer("rtml.scoring.grpc.permit-keepalive-millis", 10_000)),
                        Duration.ofMillis(s.integer("rtml.scoring.grpc.max-connection-idle-millis", 300_000)),
                        s.integer("rtml.scoring.grpc.max-metadata-bytes", 8192),
                        s.integer("rtml.scoring.grpc.max-resets-per-window", DEFAULT_MAX_RESETS_PER_WINDOW),
                        Duration.ofSeconds(s.integer("rtml.scoring.grpc.reset-window-seconds", DEFAULT_RESET_WINDOW_SECONDS)),
                        // Off, as in grpc itself: a node's clients mostly call it by its own address.
                        // Behind an L4 balancer, an age makes clients reconnect and spread out (gRFC A9).
                        Duration.ofMillis(s.integer("rtml.scoring.grpc.max-connection-age-millis", 0)),
                        // No unary call outlives the request timeout's default, so a minute finishes them.
                        Duration.ofMillis(s.integer("rtml.scoring.grpc.max-connection-age-grace-millis", 60_000))));
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
                + ", inlineMaxMicros=" + inlineMaxMicros + ", modelThreads=" + modelThreads + ", modelQueue=" + modelQueue
                + ", adminThreads=" + adminThreads + ", downloadTimeout=" + downloadTimeout
                + ", artifactCacheBytes=" + artifactCacheBytes
                + ", adminToken=" + (adminToken == null || adminToken.isBlank() ? "unset" : "set")
                + ", apiKeys=" + (apiKeys == null ? 0 : apiKeys.services()) + " services"
                + ", registry=" + (registry == null ? "unset" : registry)
                + ", maxTensorBytes=" + maxTensorBytes + ", readIdleTimeout=" + readIdleTimeout
                + ", requestTimeout=" + requestTimeout + ", maxUnfinishedBodyBytes=" + maxUnfinishedBodyBytes
                + ", adminPort=" + (adminPort == SAME_PORT ? "same" : adminPort) + ", telemetry=" + telemetry
                + ", grpcPort=" + (grpcPort == NO_GRPC ? "off" : grpcPort + ", grpc=" + grpc) + "]";
    }

    private record Settings(Function<String, String> lookup) {

        String string(String key, String fallback) {
            String v = lookup.apply(key);
            return v == null || v.isBlank() ? fallback : v.trim();
        }

        long longInteger(String key, long fallback) {
            String v = string(key, null);
            try {
                return v == null ? fallback : Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " (" + envName(key) + ") must be an integer, not " + v);
            }
        }

        boolean bool(String key, boolean fallback) {
            String v = string(key, null);
            if (v == null) {
                return fallback;
            }
            if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException(key + " (" + envName(key) + ") must be true or false, not " + v);
            }
            return Boolean.parseBoolean(v);
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
