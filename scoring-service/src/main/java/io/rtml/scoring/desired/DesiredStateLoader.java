package io.rtml.scoring.desired;

import io.rtml.scoring.NodeConfig.RegistryLink;
import io.rtml.scoring.admin.NodeAdmin;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * For a node that starts with nothing to restore: asks the registry what this target should serve
 * and stages and activates each service by itself (the same stage path as the deployer's: streamed
 * download, sha-256 check, warm-up), so it serves again without waiting for the deployer. When the
 * registry cannot be asked, the node starts empty and says so in one line; the deployer's
 * reconciliation brings it up to date once it sees the node.
 */
public final class DesiredStateLoader {

    private static final Logger log = LoggerFactory.getLogger(DesiredStateLoader.class);
    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final RegistryLink registry;
    private final NodeAdmin admin;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT).build();

    public DesiredStateLoader(RegistryLink registry, NodeAdmin admin) {
        this.registry = registry;
        this.admin = admin;
    }

    /** Loads the desired state; never throws: what fails is logged and left to reconciliation. */
    public void load() {
        if (registry.token() == null) {
            log.warn("not asking the registry for the desired state: rtml.scoring.registry.url is set but"
                    + " rtml.scoring.registry.token is not; starting empty until the deployer reconciles this node");
            return;
        }
        DesiredState desired;
        try {
            desired = fetch();
        } catch (Unavailable e) {
            log.warn("desired state not loaded, starting empty until the deployer reconciles this node: {}",
                    e.getMessage());
            return;
        }
        log.info("desired state from {}: {} services", registry.url(), desired.services().size());
        CompletableFuture.allOf(desired.services().stream().map(this::load).toArray(CompletableFuture[]::new)).join();
    }

    private CompletableFuture<Void> load(DesiredState.Service s) {
        CompletableFuture<Void> loading;
        try {
            loading = admin.load(s.service(), s.version(), s.artifactUrl(), s.sha256(), s.sizeBytes());
        } catch (RuntimeException e) {
            loading = CompletableFuture.failedFuture(e);
        }
        return loading.handle((done, error) -> {
            if (error == null) {
                log.info("loaded desired version service={} version={}", s.service(), s.version());
            } else {
                Throwable cause = error.getCause() != null ? error.getCause() : error;
                log.error("desired version service={} version={} not loaded: {}", s.service(), s.version(),
                        cause.getMessage());
            }
            return null;
        });
    }

    private DesiredState fetch() throws Unavailable {
        URI uri = URI.create(registry.url() + "/api/v1/targets/"
                + URLEncoder.encode(registry.target(), StandardCharsets.UTF_8) + "/desired-state");
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + registry.token()).GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Unavailable("registry " + uri + " unreachable: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while asking " + uri);
        }
        if (response.statusCode() != 200) {
            throw new Unavailable("registry " + uri + " answered " + response.statusCode() + " " + detail(response.body()));
        }
        try {
            return JSON.readValue(response.body(), DesiredState.class);
        } catch (JacksonException e) {
            throw new Unavailable("registry " + uri + " answered something that is not a desired state: "
                    + e.getOriginalMessage());
        }
    }

    /** The problem detail's human line when there is one (RFC 9457), else the start of the body. */
    private static String detail(String body) {
        try {
            JsonNode json = JSON.readTree(body);
            if (json.hasNonNull("detail")) {
                return json.get("detail").asString();
            }
        } catch (JacksonException e) {
            // not JSON
        }
        return body.length() > 200 ? body.substring(0, 200) + "…" : body;
    }

    /** The registry could not give a desired state; the message says why. */
    private static final class Unavailable extends Exception {

        Unavailable(String message) {
            super(message, null, false, false);
        }
    }
}
