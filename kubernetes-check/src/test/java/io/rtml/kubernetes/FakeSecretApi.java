package io.rtml.kubernetes;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The two calls of the Kubernetes API the target-registration script makes, on one Secret: GET and a JSON
 * merge patch of {@code stringData}. No cluster runs here, so this stands in for the API server, with its
 * rules for these calls: the service account's bearer token, the merge-patch content type, stringData
 * stored base64-encoded in data.
 */
final class FakeSecretApi implements AutoCloseable {

    private final HttpServer server;
    private final String path;
    private final String token;
    private final Map<String, String> data = new TreeMap<>();

    FakeSecretApi(String namespace, String secret, String token) {
        this.path = "/api/v1/namespaces/" + namespace + "/secrets/" + secret;
        this.token = token;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The Secret's data, decoded. */
    synchronized Map<String, String> data() {
        Map<String, String> decoded = new TreeMap<>();
        data.forEach((k, v) -> decoded.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        return decoded;
    }

    synchronized void remove(String key) {
        data.remove(key);
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                reply(exchange, 401, "{\"kind\":\"Status\",\"code\":401}");
            } else if (!exchange.getRequestURI().getPath().equals(path)) {
                reply(exchange, 404, "{\"kind\":\"Status\",\"code\":404}");
            } else if (exchange.getRequestMethod().equals("GET")) {
                reply(exchange, 200, secret());
            } else if (exchange.getRequestMethod().equals("PATCH")
                    && "application/merge-patch+json".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
                JsonNode patch = JsonMapper.shared().readTree(exchange.getRequestBody());
                patch.path("stringData").properties().forEach(e -> data.put(e.getKey(),
                        Base64.getEncoder().encodeToString(e.getValue().asString().getBytes(StandardCharsets.UTF_8))));
                reply(exchange, 200, secret());
            } else {
                reply(exchange, 415, "{\"kind\":\"Status\",\"code\":415}");
            }
        }
    }

    /** As the API server writes it for curl (Go's indented JSON: "key": "value"). */
    private String secret() {
        StringBuilder json = new StringBuilder("{\n  \"kind\": \"Secret\",\n  \"apiVersion\": \"v1\",\n  \"data\": {");
        String separator = "\n";
        for (Map.Entry<String, String> entry : data.entrySet()) {
            json.append(separator).append("    \"").append(entry.getKey()).append("\": \"").append(entry.getValue()).append('"');
            separator = ",\n";
        }
        return json.append("\n  },\n  \"type\": \"Opaque\"\n}\n").toString();
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
