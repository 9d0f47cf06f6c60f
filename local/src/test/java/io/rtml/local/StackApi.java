package io.rtml.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.deployment.DeploymentStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the ITs check the running stack with, over its public HTTP APIs only. */
final class StackApi {


    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();
    private final LocalStackProcess stack;
    private final String token;

    StackApi(LocalStackProcess stack) {
        this(stack, stack.adminToken());
    }

    /** The same API called with another token. */
    StackApi(LocalStackProcess stack, String token) {
        this.stack = stack;
        this.token = token;
    }

    JsonNode get(String path) {
        return send(request(path).GET().build(), 200);
    }

    JsonNode post(String path, String body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), -1);
    }

    JsonNode put(String path, String body) {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), -1);
    }

    JsonNode patch(String path, String body) {
        return send(request(path).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build(), -1);
    }

    void delete(String path) {
        try {
            HttpResponse<String> response = http.send(request(path).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("DELETE " + path + ": " + response.body()).isBetween(200, 299);
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    JsonNode upload(String model, Path file) throws IOException {
        return send(request("/api/v1/models/" + model + "/versions").header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofFile(file)).build(), 201);
    }

    /** Waits until no deployment of the service is in flight, and returns the newest one. */
    JsonNode settledDeployment(String service) {
        JsonNode[] newest = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            newest[0] = get("/api/v1/services/" + service + "/deployments").get("items").get(0);
            return DeploymentStatus.valueOf(newest[0].get("status").asString()).isFinal();
        });
        return newest[0];
    }

    /** The version that the given node answers a records prediction with ({@code Rtml-Model-Version}). */
    String servedVersion(int node, String service, String records) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(stack.node(node) + "/v1/services/" + service + "/predict"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(records)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return response.headers().firstValue("Rtml-Model-Version").orElseThrow();
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The distinct versions the hub and both edges answer a records prediction with. */
    List<String> servedByEveryNode(String service, String records) {
        return List.of(0, 1, 2).stream().map(node -> servedVersion(node, service, records)).distinct().toList();
    }

    JsonNode parse(String body) {
        return json.readTree(body);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(stack.api() + path)).header("Authorization", "Bearer " + token);
    }

    private JsonNode send(HttpRequest request, int expectedStatus) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (expectedStatus > 0) {
                assertThat(response.statusCode()).as(request.method() + " " + request.uri() + ": " + response.body())
                        .isEqualTo(expectedStatus);
            } else {
                assertThat(response.statusCode()).as(request.method() + " " + request.uri() + ": " + response.body())
                        .isBetween(200, 299);
            }
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
