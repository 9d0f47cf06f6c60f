package io.rtml.scoring.desired;

import io.rtml.scoring.NodeConfig.RegistryLink;
import io.rtml.scoring.admin.NodeAdmin;
import io.rtml.scoring.runtime.ServiceSlot;
import io.rtml.scoring.runtime.Services;
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
 * download, sha-256 check, warm-up), so it serves again without waiting for the deployer. Until the
 * registry has answered, the node does not know what it should serve and is not ready: it asks
 * again, backing off from 1 s to 30 s, and says why in one line. The deployer's reconciliation
 * may bring services up meanwhile; the node is ready once it knows its desired state and every
 * service of it is active.
 */
public final class DesiredStateLoader {

    private static final Logger log = LoggerFactory.getLogger(DesiredStateLoader.class);
    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LAST_RETRY = Duration.ofSeconds(30);

    private final RegistryLink registry;
    private final NodeAdmin admin;
    private final Services services;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT).build();

    public DesiredStateLoader(RegistryLink registry, NodeAdmin admin, Services services) {
        this.registry = registry;
        this.admin = admin;
        this.services = services;
    }

    /**
     * Asks until the registry answers (or the thread is interrupted: the node stops), then tells
     * {@link Services} what to expect and loads it. Never throws: a version that fails to load is
     * logged and left to reconciliation.
     *
     * @return false when the node has no token to ask with (it then does not know a desired state)
     */
    public boolean load() {
        if (registry.token() == null) {
            log.warn("not asking the registry for the desired state: rtml.scoring.registry.url is set but"
                    + " rtml.scoring.registry.token is not; starting empty until the deployer reconciles this node");
            return false;
        }
        DesiredState desired = null;
        Duration wait = FIRST_RETRY;
        for (int tries = 1; desired == null; tries++) {
            try {
                desired = fetch();
                if (tries > 1) {
                    log.info("desired state loaded after {} tries", tries);
                }
            } catch (Unavailable e) {
                if (tries == 1) {
                    log.warn("desired state not loaded, the node is not ready until it is (asking again, every {} s"
                            + " at most): {}", LAST_RETRY.toSeconds(), e.getMessage());
                } else {
                    log.debug("desired state still not loaded (try {}): {}", tries, e.getMessage());
                }
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException stopping) {
                    Thread.currentThread().interrupt();
                    return true;
                }
                wait = wait.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : wait.multipliedBy(2);
            }
        }
        log.info("desired state from {}: {} services", registry.url(), desired.services().size());
        services.expect(desired.services().stream().map(DesiredState.Service::service).toList());
        CompletableFuture.allOf(desired.services().stream().map(this::load).toArray(CompletableFuture[]::new)).join();
        return true;
    }

    private CompletableFuture<Void> load(DesiredState.Service s) {
        ServiceSlot slot = services.get(s.service());
        if (slot != null && slot.active() != null) {
            // The deployer's reconciliation got there first while the registry was away; it knows better.
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> loading;
        try {
            loading = admin.load(s.service(), s.version(), s.artifactUrl(), s.sha256(), s.sizeBytes(), s.example());
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
