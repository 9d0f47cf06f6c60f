package io.rtml.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The registry's REST API over the JDK HTTP client: bearer token on every call, JSON in and out,
 * and every error turned into one {@link CliException} line from the RFC 9457 problem body.
 */
final class RegistryClient {

    static final String USER_AGENT = "rtml-cli/0.1";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /** An HTTP answer whose body is text (JSON for every call the CLI makes). */
    record Response(int status, java.net.http.HttpHeaders headers, String body) {

        JsonNode json() {
            return body.isBlank() ? Json.object() : Json.parse(body, "the server's answer");
        }
    }

    private final HttpClient http;
    private final String baseUrl;
    private final String token;

    RegistryClient(String baseUrl, String token) {
        this.http = newHttpClient();
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.token = token;
    }

    static HttpClient newHttpClient() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    String baseUrl() {
        return baseUrl;
    }

    JsonNode get(String path) {
        return call(request(path).GET().timeout(REQUEST_TIMEOUT)).json();
    }

    Response post(String path, JsonNode body) {
        return call(request(path).timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.compact(body))));
    }

    Response delete(String path) {
        return call(request(path).timeout(REQUEST_TIMEOUT).DELETE());
    }

    Response patch(String path, JsonNode body) {
        return call(request(path).timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(Json.compact(body))));
    }

    /** Streams {@code content} as {@code application/octet-stream}; no timeout: large files take their time. */
    Response upload(String path, Supplier<InputStream> content, long size, String sha256) {
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(content), size);
        return call(request(path).header("Content-Type", "application/octet-stream")
                .header("Content-SHA256", sha256).POST(body));
    }

    /** Every page of a keyset-paginated listing, as one page: {@code {"items": [...], "nextPageToken": null}}. */
    ObjectNode getAllPages(String path) {
        ObjectNode all = Json.object();
        ArrayNode items = all.putArray("items");
        String pageToken = null;
        do {
            String sep = path.contains("?") ? "&" : "?";
            JsonNode page = get(path + sep + "pageSize=500" + (pageToken == null ? "" : "&pageToken=" + encode(pageToken)));
            page.path("items").forEach(items::add);
            pageToken = Json.text(page, "nextPageToken");
        } while (pageToken != null);
        all.putNull("nextPageToken");
        return all;
    }

    private HttpRequest.Builder request(String pathOrUrl) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(resolve(pathOrUrl)).header("Accept", "application/json")
                .header("User-Agent", USER_AGENT);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    /** A path such as {@code /api/v1/models} or a Location header, against the registry's URL. */
    URI resolve(String pathOrUrl) {
        try {
            return pathOrUrl.startsWith("http://") || pathOrUrl.startsWith("https://") ? URI.create(pathOrUrl)
                    : URI.create(baseUrl + pathOrUrl);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("not a valid URL: " + baseUrl + pathOrUrl);
        }
    }

    private Response call(HttpRequest.Builder request) {
        Response response = send(http, request.build(), "the registry at " + baseUrl);
        if (response.status() >= 400) {
            throw new CliException(ExitCodes.forStatus(response.status()), problemLine(response),
                    Json.text(problem(response), "code"));
        }
        return response;
    }

    /** Sends a request; an unreachable server or a timeout becomes exit code 6. */
    static Response send(HttpClient http, HttpRequest request, String server) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(r.statusCode(), r.headers(), r.body());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw new CliException(ExitCodes.UNAVAILABLE, "cannot reach " + server + ": "
                    + (e.getMessage() == null ? "connection refused" : e.getMessage()), e);
        } catch (HttpTimeoutException e) {
            throw new CliException(ExitCodes.UNAVAILABLE, server + " did not answer in time", e);
        } catch (IOException e) {
            throw new CliException(ExitCodes.UNAVAILABLE, "no answer from " + server + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.UNEXPECTED, "interrupted", e);
        }
    }

    /**
     * {@code detail (CODE)} from a problem body; {@code error} for a scoring node; the status line otherwise.
     * A problem that lists {@code differences} (SIGNATURE_INCOMPATIBLE) gets its title, then one line each.
     */
    static String problemLine(Response response) {
        JsonNode body = problem(response);
        String detail = firstNonNull(Json.text(body, "detail"), Json.text(body, "error"), Json.text(body, "title"));
        String code = Json.text(body, "code");
        if (detail == null) {
            detail = "HTTP " + response.status();
        }
        JsonNode differences = body == null ? null : body.get("differences");
        if (differences != null && differences.isArray() && !differences.isEmpty() && Json.text(body, "title") != null) {
            StringBuilder lines = new StringBuilder(Json.text(body, "title")).append(code == null ? "" : " (" + code + ")")
                    .append(':');
            for (JsonNode difference : differences) {
                String active = Json.text(difference, "activeVersion");
                lines.append("\n  ").append(Json.text(difference, "message"))
                        .append(active == null ? "" : " (active version " + active + ")");
            }
            return lines.toString();
        }
        return code == null ? detail : detail + " (" + code + ")";
    }

    /** The response's JSON body, or null when it has none. */
    private static JsonNode problem(Response response) {
        if (response.body().startsWith("{")) {
            try {
                return Json.MAPPER.readTree(response.body());
            } catch (RuntimeException e) {
                return null;
            }
        }
        return null;
    }

    /** One path segment, percent-encoded. */
    static String segment(String value) {
        return encode(value).replace("+", "%20");
    }

    /** {@code ?a=1&b=2} from name/value pairs; null values are left out, a List value repeats the name. */
    static String query(Object... namesAndValues) {
        StringBuilder query = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            Object value = namesAndValues[i + 1];
            List<?> values = value instanceof List<?> list ? list : value == null ? List.of() : List.of(value);
            for (Object v : values) {
                query.append(query.length() == 0 ? '?' : '&').append(namesAndValues[i]).append('=')
                        .append(encode(String.valueOf(v)));
            }
        }
        return query.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }
}
