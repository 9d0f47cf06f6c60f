package io.rtml.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The registry's REST API over the JDK HTTP client (HTTP/1.1; sequential calls reuse one
 * keep-alive connection), file uploads aside. Every request carries the bearer token the registry was started with.
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

    /** The status and body of a file upload. */
    record Reply(int statusCode, byte[] body) {}

    /** A raw {@code application/octet-stream} upload streamed from a file. */
    Reply upload(String path, Path file) throws IOException {
        return upload(path, file, null);
    }

    /**
     * As {@link #upload(String, Path)}; a non-null {@code sha256} is declared in a {@code Content-SHA256}
     * header, as the rtml CLI does. Sent with {@link HttpURLConnection}, the HTTP client that the AWS SDK
     * uses for the {@code putObject} this upload is compared with, so both sides of the comparison pay
     * the same client cost: the JDK's {@code HttpClient} took twice the CPU time to send 1 GiB
     * (0.60-0.73 s against 0.28-0.34 s, to a sink that discards the body), on the cores the registry needs.
     */
    Reply upload(String path, Path file, String sha256) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) base.resolve(path).toURL().openConnection();
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setConnectTimeout((int) Duration.ofSeconds(10).toMillis());
        connection.setReadTimeout((int) Duration.ofMinutes(10).toMillis());
        connection.setFixedLengthStreamingMode(Files.size(file));
        connection.setRequestProperty("Authorization", "Bearer " + token);
        connection.setRequestProperty("Content-Type", "application/octet-stream");
        if (sha256 != null) {
            connection.setRequestProperty("Content-SHA256", sha256);
        }
        try (OutputStream out = connection.getOutputStream()) {
            Files.copy(file, out);
        } catch (IOException e) {
            // The registry may answer early (401, 413) and close the connection: report its answer if it sent one.
            if (connection.getResponseCode() < 0) {
                throw e;
            }
        }
        int status = connection.getResponseCode();
        try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            return new Reply(status, in == null ? new byte[0] : in.readAllBytes());
        } finally {
            connection.disconnect();
        }
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

    static JsonNode expect(HttpResponse<byte[]> response, int status, String what) {
        return expect(new Reply(response.statusCode(), response.body()), status, what);
    }

    static JsonNode expect(Reply reply, int status, String what) {
        if (reply.statusCode() != status) {
            throw new BenchmarkFailure(what + ": expected " + status + ", got " + reply.statusCode() + ": "
                    + abbreviate(new String(reply.body(), StandardCharsets.UTF_8)));
        }
        return reply.body().length == 0 ? null : JSON.readTree(reply.body());
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
