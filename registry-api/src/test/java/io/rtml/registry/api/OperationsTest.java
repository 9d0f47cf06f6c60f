package io.rtml.registry.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.registry.RegistryApiTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class OperationsTest extends RegistryApiTest {

    @Test
    void healthChecksTheDatabaseAndTheArtifactStore() {
        JsonNode health = api().get("/actuator/health").json();
        assertThat(health.path("status").asString()).isEqualTo("UP");
        assertThat(health.path("components").path("db").path("status").asString()).isEqualTo("UP");
        assertThat(health.path("components").path("artifactStore").path("status").asString()).isEqualTo("UP");
    }

    @Test
    void healthShowsItsDetailsOnlyWithAToken() {
        var open = anonymous().get("/actuator/health");
        assertThat(open.status()).isEqualTo(200);
        assertThat(open.json().path("status").asString()).isEqualTo("UP");
        assertThat(open.text()).doesNotContain("components", "bucket", "path");
        assertThat(api("not-a-token").get("/actuator/health").text()).doesNotContain("components");
        assertThat(api().get("/actuator/health").json().path("components").path("artifactStore").path("details")
                .path("bucket").asString()).isNotBlank();
    }

    @Test
    void theGalleryPageIsServedWithoutATokenButItsDataIsNot() {
        var page = anonymous().get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.text()).contains("service gallery").contains("/gallery.js");
        assertThat(anonymous().get("/gallery.js").status()).isEqualTo(200);
        assertThat(anonymous().get("/api/v1/services").status()).isEqualTo(401);
        assertThat(anonymous().sendJson("POST", "/", "{}").status()).isEqualTo(401);
    }

    @Test
    void exposesPrometheusMetrics() {
        api().get("/api/v1/models");
        var metrics = api().get("/actuator/prometheus");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.text()).contains("http_server_requests_seconds_count").contains("hikaricp_connections");
    }
}
