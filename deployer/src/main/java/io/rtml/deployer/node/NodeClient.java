package io.rtml.deployer.node;

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

    private final HttpClient http;
    private final NodeTokens tokens;
    private final Duration stageTimeout;
    private final Duration stageWait;
    private final Duration callTimeout;

    NodeClient(DeployerProperties properties, NodeTokens tokens) {
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(properties.connectTimeout())
                .build();
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
                        json.path("alreadyLoaded").asBoolean(false))));
    }

    public CompletableFuture<Void> activate(NodeTarget target, String service, int version) {
        Map<String, Object> body = new HashMap<>();
        body.put("service", service);
        body.put("version", version);
        return post(target, "/admin/v1/activate", body, callTimeout).thenApply(json -> null);
    }

    /** Takes the whole service off the node (every version, the active one too); idempotent. */
    public CompletableFuture<Void> remove(NodeTarget target, String service) {
        return post(target, "/admin/v1/remove", Map.of("service", service), callTimeout).thenApply(json -> null);
    }

    /** Active version per service, as the node reports it. */
    public CompletableFuture<NodeState> state(NodeTarget target) {
        return send(target, HttpRequest.newBuilder(target.uri("/admin/v1/state")).GET(), callTimeout, true)
                .thenApply(NodeState::from);
    }

    /** True when the node answers 200 on its readiness probe. */
    public CompletableFuture<Boolean> ready(NodeTarget target) {
        HttpRequest request = HttpRequest.newBuilder(target.uri("/v2/health/ready")).timeout(callTimeout).GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .handle((response, error) -> error == null && response.statusCode() == 200);
    }

    private CompletableFuture<JsonNode> post(NodeTarget target, String path, Map<String, Object> body,
            Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        return send(target, request, timeout, true);
    }

    private CompletableFuture<JsonNode> send(NodeTarget target, HttpRequest.Builder request, Duration timeout,
            boolean admin) {
        if (admin) {
            request.header("Authorization", "Bearer " + tokens.tokenFor(target));
        }
        HttpRequest built = request.timeout(timeout).build();
        String what = built.method() + " " + built.uri().getPath();
        return http.sendAsync(built, HttpResponse.BodyHandlers.ofString())
                .handle((response, error) -> {
                    if (error != null) {
                        Throwable cause = error instanceof CompletionException && error.getCause() != null
                                ? error.getCause() : error;
                        throw new NodeCallException(target.name() + ": " + what + " failed: "
                                + cause.getClass().getSimpleName()
                                + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
                    }
                    if (response.statusCode() / 100 != 2) {
                        throw new NodeCallException(target.name() + ": " + what + " answered "
                                + response.statusCode() + " " + detail(response.body()), response.statusCode());
                    }
                    return JSON.readTree(response.body().isEmpty() ? "{}" : response.body());
                });
    }

    private static String detail(String body) {
        try {
            JsonNode json = JSON.readTree(body);
            for (String field : new String[] {"detail", "error", "message"}) {
                if (json.hasNonNull(field)) {
                    return json.get(field).asString();
                }
            }
        } catch (RuntimeException e) {
            // not JSON: fall through to the raw text
        }
        return body.length() > 200 ? body.substring(0, 200) + "…" : body;
    }

    /** What a stage answered: whether the node had to download the artifact. */
    public record StageResult(boolean downloaded, boolean alreadyLoaded) {}

    /** A presigned artifact URL with the checks the node applies to the bytes. */
    public record Artifact(URI url, String sha256, long sizeBytes) {

        @Override
        public String toString() {
            return "Artifact[sha256=" + sha256 + ", sizeBytes=" + sizeBytes + "]";
        }
    }
}
