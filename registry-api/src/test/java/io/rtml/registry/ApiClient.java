package io.rtml.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for the tests: real requests over loopback, JSON answers as trees. */
public final class ApiClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String base;
    private final List<String> extraHeaders = new ArrayList<>();

    public ApiClient(String base) {
        this.base = base;
    }

    /** A copy that sends one more header with every request. */
    public ApiClient withHeader(String name, String value) {
        ApiClient copy = new ApiClient(base);
        copy.extraHeaders.addAll(extraHeaders);
        copy.extraHeaders.add(name);
        copy.extraHeaders.add(value);
        return copy;
    }

    /** A response: status, headers and the body parsed as JSON when it is JSON. */
    public record Response(int status, HttpResponse<byte[]> raw) {

        public JsonNode json() {
            return JSON.readTree(raw.body());
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        public String contentType() {
            return header("Content-Type");
        }

        public String text() {
            return new String(raw.body(), StandardCharsets.UTF_8);
        }
    }

    public Response get(String path) {
        return send(request(path).GET());
    }

    public Response delete(String path) {
        return send(request(path).DELETE());
    }

    public Response postJson(String path, Object body) {
        return sendJson("POST", path, body);
    }

    public Response putJson(String path, Object body) {
        return sendJson("PUT", path, body);
    }

    public Response patchJson(String path, Object body) {
        return sendJson("PATCH", path, body);
    }

    public Response sendJson(String method, String path, Object body) {
        String text = body instanceof String s ? s : JSON.writeValueAsString(body);
        return send(request(path).header("Content-Type", "application/json")
                .method(method, BodyPublishers.ofString(text)));
    }

    public Response send(String method, String path, String contentType, byte[] body) {
        return send(request(path).header("Content-Type", contentType).method(method, BodyPublishers.ofByteArray(body)));
    }

    public Response uploadRaw(String path, byte[] bytes, String... headers) {
        HttpRequest.Builder builder = request(path).header("Content-Type", "application/octet-stream")
                .POST(BodyPublishers.ofByteArray(bytes));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return send(builder);
    }

    /** A multipart/form-data upload; {@code fileBytes} null leaves the file part out. */
    public Response uploadMultipart(String path, byte[] fileBytes, String description) {
        String boundary = "rtml-" + UUID.randomUUID();
        List<byte[]> parts = new ArrayList<>();
        if (description != null) {
            parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\n" + description
                    + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        if (fileBytes != null) {
            parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"model.onnx\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            parts.add(fileBytes);
            parts.add("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        parts.add(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        BodyPublisher body = BodyPublishers.ofByteArrays(parts);
        return send(request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary).POST(body));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path));
        for (int i = 0; i < extraHeaders.size(); i += 2) {
            builder.header(extraHeaders.get(i), extraHeaders.get(i + 1));
        }
        return builder;
    }

    private Response send(HttpRequest.Builder builder) {
        try {
            HttpResponse<byte[]> response = http.send(builder.build(), BodyHandlers.ofByteArray());
            return new Response(response.statusCode(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
