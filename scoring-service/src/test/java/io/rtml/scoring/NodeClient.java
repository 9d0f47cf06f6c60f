package io.rtml.scoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Functional-test client for a scoring node (JDK HttpClient: fine for correctness, not for latency). */
final class NodeClient {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** A response: status, body parsed as JSON (null when not JSON), the model-version header. */
    record Response(int status, JsonNode body, String modelVersion, String raw) {
        String error() {
            return body == null ? null : body.path("error").asString(null);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String adminBase;
    private final String token;

    NodeClient(int port, String token) {
        this(port, port, token);
    }

    /** @param adminPort where {@link #admin} calls go (the node's own admin port, when it has one) */
    NodeClient(int port, int adminPort, String token) {
        this.base = "http://127.0.0.1:" + port;
        this.adminBase = "http://127.0.0.1:" + adminPort;
        this.token = token;
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), false);
    }

    Response post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body)), false);
    }

    /** A POST with extra request headers (name, value, name, value …). */
    Response post(String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b, false);
    }

    Response post(String path, Object body) {
        return post(path, JSON.writeValueAsString(body));
    }

    Response admin(String method, String path, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(adminBase + path));
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.method(method, HttpRequest.BodyPublishers.ofString(
                        body instanceof String s ? s : JSON.writeValueAsString(body)));
        return send(b, true);
    }

    Response send(HttpRequest.Builder builder, boolean withToken) {
        if (withToken && token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        builder.header("Content-Type", "application/json").timeout(Duration.ofSeconds(60));
        try {
            HttpResponse<String> r = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            try {
                json = r.body().isEmpty() ? null : JSON.readTree(r.body());
            } catch (RuntimeException notJson) {
                // left null: the assertion on the raw body says what came back
            }
            return new Response(r.statusCode(), json, r.headers().firstValue("Rtml-Model-Version").orElse(null), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
