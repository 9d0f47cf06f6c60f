package io.rtml.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The registry's REST API over the JDK HTTP client (HTTP/1.1; sequential calls reuse one
 * keep-alive connection). Every request carries the bearer token the registry was started with.
 */
final class RegistryClient {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final URI base;
    private final String token;

    RegistryClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    HttpResponse<byte[]> get(String pathAndQuery) throws IOException, InterruptedException {
        return send(request(pathAndQuery, Duration.ofSeconds(30)).GET().build());
    }

    HttpResponse<byte[]> postJson(String path, String json) throws IOException, InterruptedException {
        return send(request(path, Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    /** A raw {@code application/octet-stream} upload streamed from a file. */
    HttpResponse<byte[]> upload(String path, Path file) throws IOException, InterruptedException {
        return upload(path, file, null);
    }

    /**
     * As {@link #upload(String, Path)}; a non-null {@code sha256} is declared in a
     * {@code Content-SHA256} header, as the rtml CLI does.
     */
    HttpResponse<byte[]> upload(String path, Path file, String sha256) throws IOException, InterruptedException {
        HttpRequest.Builder request = request(path, Duration.ofMinutes(10))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofFile(file));
        if (sha256 != null) {
            request.header("Content-SHA256", sha256);
        }
        return send(request.build());
    }

    HttpResponse<byte[]> upload(String path, byte[] bytes) throws IOException, InterruptedException {
        return send(request(path, Duration.ofMinutes(1))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build());
    }

    /** Creates a model; fails the run unless the registry answers 201. */
    void createModel(String name) throws IOException, InterruptedException {
        expect(postJson("/api/v1/models", "{\"name\":\"" + name + "\"}"), 201, "POST /api/v1/models " + name);
    }

    static JsonNode json(HttpResponse<byte[]> response) {
        return JSON.readTree(response.body());
    }

    static JsonNode expect(HttpResponse<byte[]> response, int status, String what) {
        if (response.statusCode() != status) {
            throw new BenchmarkFailure(what + ": expected " + status + ", got " + response.statusCode() + ": "
                    + abbreviate(new String(response.body(), StandardCharsets.UTF_8)));
        }
        return response.body().length == 0 ? null : json(response);
    }

    private HttpRequest.Builder request(String pathAndQuery, Duration timeout) {
        return HttpRequest.newBuilder(base.resolve(pathAndQuery))
                .timeout(timeout)
                .header("Authorization", "Bearer " + token);
    }

    private HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String abbreviate(String text) {
        return text.length() > 2000 ? text.substring(0, 2000) + "…" : text;
    }
}
