package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Predictions are open by default; a service with configured API keys answers only to one of them. */
class ServiceKeysTest {

    @TempDir
    Path dataDir;

    @Test
    void keysGuardOnlyTheServicesTheyAreConfiguredFor() throws Exception {
        try (TestNode node = TestNode.start(dataDir, Map.of("rtml.scoring.api-keys", "fraud=key-one|key-two"))) {
            String base = "http://127.0.0.1:" + node.node.port();

            assertThat(post(base + "/v2/models/fraud/infer", null)).isEqualTo(401);
            assertThat(post(base + "/v1/services/fraud/predict", "Bearer wrong")).isEqualTo(401);
            // With a right key the request passes the gate; fraud is not loaded on this node, hence 404.
            assertThat(post(base + "/v2/models/fraud/infer", "Bearer key-two")).isEqualTo(404);
            assertThat(postWithApiKeyHeader(base + "/v1/services/fraud/predict", "key-one")).isEqualTo(404);
            // Services without keys stay open, and so do the health endpoints.
            assertThat(post(base + "/v2/models/churn/infer", null)).isEqualTo(404);
            assertThat(node.client.get("/v2/health/live").status()).isEqualTo(200);
        }
    }

    @Test
    void aStarKeyGuardsEveryServiceAndBadSettingsAreRefused() {
        ServiceKeys all = ServiceKeys.parse("*=k1");
        assertThat(all.allows("anything", "k1")).isTrue();
        assertThat(all.allows("anything", "k2")).isFalse();
        assertThat(ServiceKeys.parse(null).allows("anything", null)).isTrue();
        assertThatThrownBy(() -> ServiceKeys.parse("fraud")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("service=key1|key2");
    }

    private static int post(String url, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString("{}"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int postWithApiKeyHeader(String url, String key) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).header("X-API-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
