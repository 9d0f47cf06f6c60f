package io.rtml.deployer.node;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.rtml.deployer.DeployerProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The scoring node's admin API and health probe, asynchronous so that one thread fans a call out
 * to any number of targets at once. Every failure (refused connection, timeout, non-2xx answer)
 * completes the future exceptionally with a {@link NodeCallException} carrying a readable line.
 *
 * <p>No call waits on a node for long: a stage lets the node work for {@code stage-wait}, then the
 * node answers 202 "still staging" and the same idempotent call is made again, until the stage is
 * done or {@code stage-timeout} has passed. A node that dies or hangs mid-stage (a dead keep-alive
 * connection, a host that is gone) therefore fails the stage within stage-wait + call-timeout,
 * instead of holding one request open until the stage timeout.
 */
@Component
public class NodeClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * Runs the responses' handling and what the callers chain on it, none of which blocks; a fixed
     * pool, where the client's default would start threads as bursts of answers come in (with 256
     * calls in flight, up to one per answer). Daemon threads: they never hold the JVM up.
     */
    private static final Executor CALLBACKS = Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()), new CustomizableThreadFactory("deployer-http-") {
                {
                    setDaemon(true);
                }
            });

    private final HttpClient http;
    private final InFlightLimit inFlight;
    private final NodeTokens tokens;
    private final Duration stageTimeout;
    private final Duration stageWait;
    private final Duration callTimeout;
    private final NodeAddresses addresses;

    NodeClient(DeployerProperties properties, NodeTokens tokens, MeterRegistry meters, NodeAddresses addresses) {
        this.addresses = addresses;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(CALLBACKS)
                .connectTimeout(properties.connectTimeout())
                .build();
        this.inFlight = new InFlightLimit(properties.maxCallsInFlight());
        Gauge.builder("rtml.deployer.node.calls", inFlight, InFlightLimit::running).tag("state", "running")
                .description("HTTP calls to scoring nodes in flight").register(meters);
        Gauge.builder("rtml.deployer.node.calls", inFlight, InFlightLimit::waiting).tag("state", "waiting")
                .description("HTTP calls to scoring nodes waiting for a slot (max-calls-in-flight)").register(meters);
        this.tokens = tokens;
        this.stageTimeout = properties.stageTimeout();
        this.stageWait = properties.stageWait();
        this.callTimeout = properties.callTimeout();
    }

    /** Stage; the presigned URL goes only into the request body, never into a message. */
    public CompletableFuture<StageResult> stage(NodeTarget target, String service, int version, Artifact artifact) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service", service);
        body.put("version", version);
        body.put("versionId", service + ":" + version);
        body.put("artifactUrl", artifact.url().toString());
        body.put("sha256", artifact.sha256());
        body.put("sizeBytes", artifact.sizeBytes());
        if (artifact.example() != null) {
            body.put("example", JSON.readTree(artifact.example()));
        }
        body.put("waitMillis", stageWait.toMillis());
        return stage(target, body, System.nanoTime() + stageTimeout.toNanos());
    }

    private CompletableFuture<StageResult> stage(NodeTarget target, Map<String, Object> body, long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return CompletableFuture.failedFuture(new NodeCallException(target.name()
                    + ": POST /admin/v1/stage did not finish within the stage timeout of " + stageTimeout));
        }
        Duration timeout = Duration.ofNanos(Math.min(left, stageWait.plus(callTimeout).toNanos()));
        return post(target, "/admin/v1/stage", body, timeout).thenCompose(json -> "STAGING".equals(
                json.path("status").asString(null)) ? stage(target, body, deadline)
                : CompletableFuture.completedFuture(new StageResult(json.path("downloaded").asBoolean(false),
                        json.path("alreadyLoaded").asBoolean(false), warmupError(json.path("warmup")))));
    }

    public CompletableFuture<Void> activate(NodeTarget target, String service, int version) {
        Map<String, Object> body = new HashMap<>();
        body.put("service", service);
        body.put("version", version);
        return post(target, "/admin/v1/activate", body, callTimeout).thenApply(json -> null);
    }

    /**
     * Routes {@code percent} of the service's requests to {@code candidate} (a loaded version; the
     * rest stay on the active version); idempotent.
     */
    public CompletableFuture<Void> traffic(NodeTarget target, String service, int candidate, int percent) {
        return put(target, trafficPath(service), Map.of("candidate", candidate, "percent", percent));
    }

    /** Ends a split: every request on the active version again, which never stopped serving; idempotent. */
    public CompletableFuture<Void> clearTraffic(NodeTarget target, String service) {
        return delete(target, trafficPath(service));
    }

    /**
     * Has {@code percent} of the service's requests scored by {@code candidate} too, after their
     * replies, the outputs compared with the served ones (the node's default tolerance); idempotent.
     */
    public CompletableFuture<Void> shadow(NodeTarget target, String service, int candidate, int percent) {
        return put(target, shadowPath(service), Map.of("candidate", candidate, "percent", percent));
    }

    /** Ends a shadow; idempotent. */
    public CompletableFuture<Void> clearShadow(NodeTarget target, String service) {
        return delete(target, shadowPath(service));
    }

    private static String shadowPath(String service) {
        return "/admin/v1/services/" + service + "/shadow";
    }

    /** Every loaded version's cumulative telemetry, as the node reports it (GET /admin/v1/telemetry). */
    public CompletableFuture<JsonNode> telemetry(NodeTarget target) {
        return call(() -> send(target, HttpRequest.newBuilder(target.uri("/admin/v1/telemetry")).GET(), callTimeout,
                true));
    }

    private static String trafficPath(String service) {
        return "/admin/v1/services/" + service + "/traffic";
    }

    /** Takes the whole service off the node (every version, the active one too); idempotent. */
    public CompletableFuture<Void> remove(NodeTarget target, String service) {
        return post(target, "/admin/v1/remove", Map.of("service", service), callTimeout).thenApply(json -> null);
    }

    /** Active version per service, as the node reports it. */
    public CompletableFuture<NodeState> state(NodeTarget target) {
        return call(() -> send(target, HttpRequest.newBuilder(target.uri("/admin/v1/state")).GET(), callTimeout, true))
                .thenApply(NodeState::from);
    }

    /**
     * The state as a health probe reads it: a background call ({@link InFlightLimit#submitBackground}),
     * behind every deployment's calls.
     */
    public CompletableFuture<NodeState> probeState(NodeTarget target) {
        return call(() -> {
            HttpRequest request = HttpRequest.newBuilder(target.uri("/admin/v1/state"))
                    .header("Authorization", "Bearer " + tokens.tokenFor(target)).timeout(callTimeout).GET().build();
            return inFlight.submitBackground(() -> addresses.send(http, request, HttpResponse.BodyHandlers.ofString()))
                    .handle((response, error) -> answer(target, request, response, error));
        }).thenApply(NodeState::from);
    }

    /** True when the node answers 200 on its readiness probe; a background call, like {@link #probeState}. */
    public CompletableFuture<Boolean> ready(NodeTarget target) {
        return call(() -> inFlight.submitBackground(() -> addresses.send(http, HttpRequest.newBuilder(
                target.uri("/v2/health/ready")).timeout(callTimeout).GET().build(), HttpResponse.BodyHandlers.discarding())))
                .handle((response, error) -> error == null && response.statusCode() == 200);
    }

    /** A failure while building a request (a bad base URL, no token) fails the future, not the caller. */
    private static <T> CompletableFuture<T> call(java.util.function.Supplier<CompletableFuture<T>> request) {
        try {
            return request.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<JsonNode> post(NodeTarget target, String path, Map<String, Object> body,
            Duration timeout) {
        return call(() -> send(target, HttpRequest.newBuilder(target.uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))), timeout, true));
    }

    private CompletableFuture<Void> put(NodeTarget target, String path, Map<String, Object> body) {
        return call(() -> send(target, HttpRequest.newBuilder(target.uri(path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))), callTimeout, true))
                .thenApply(json -> null);
    }

    private CompletableFuture<Void> delete(NodeTarget target, String path) {
        return call(() -> send(target, HttpRequest.newBuilder(target.uri(path)).DELETE(), callTimeout, true))
                .thenApply(json -> null);
    }

    private CompletableFuture<JsonNode> send(NodeTarget target, HttpRequest.Builder request, Duration timeout,
            boolean admin) {
        if (admin) {
            request.header("Authorization", "Bearer " + tokens.tokenFor(target));
        }
        HttpRequest built = request.timeout(timeout).build();
        return exchange(built, HttpResponse.BodyHandlers.ofString())
                .handle((response, error) -> answer(target, built, response, error));
    }

    /** The JSON of a 2xx answer; anything else a {@link NodeCallException} with a readable line. */
    private static JsonNode answer(NodeTarget target, HttpRequest request, HttpResponse<String> response,
            Throwable error) {
        String what = request.method() + " " + request.uri().getPath();
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            throw new NodeCallException(target.name() + ": " + what + " failed: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
        }
        if (response.statusCode() / 100 != 2) {
            throw new NodeCallException(target.name() + ": " + what + " answered " + response.statusCode() + " "
                    + NodeErrorSummary.of(response.body()), response.statusCode());
        }
        return JSON.readTree(response.body().isEmpty() ? "{}" : response.body());
    }

    /**
     * One request and its answer, within {@code max-calls-in-flight}: a request's timeout runs from
     * when it is sent, not while it waits for a slot. HTTP/1.1 keep-alive gives each node one
     * connection as long as one call at a time goes to it, which is how every fan-out calls it.
     */
    private <T> CompletableFuture<HttpResponse<T>> exchange(HttpRequest request, HttpResponse.BodyHandler<T> body) {
        return inFlight.submit(() -> addresses.send(http, request, body));
    }

    /** The node's line on a failed warm-up (input and error); null when it succeeded or was not reported. */
    private static String warmupError(JsonNode warmup) {
        if (!"FAILED".equals(warmup.path("status").asString(null))) {
            return null;
        }
        return "warm-up with " + warmup.path("input").asString("?") + " failed, served unbatched: "
                + warmup.path("error").asString("");
    }

    /**
     * What a stage answered: whether the node had to download the artifact, and why its warm-up
     * failed (null: it did not), which does not fail the stage.
     */
    public record StageResult(boolean downloaded, boolean alreadyLoaded, String warmupError) {}

    /**
     * A presigned artifact URL with the checks the node applies to the bytes, and the version's
     * example request (JSON, or null) for the node's warm-up.
     */
    public record Artifact(URI url, String sha256, long sizeBytes, String example) {

        @Override
        public String toString() {
            return "Artifact[sha256=" + sha256 + ", sizeBytes=" + sizeBytes + "]";
        }
    }
}
