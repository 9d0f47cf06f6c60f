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
    void exposesPrometheusMetrics() {
        api().get("/api/v1/models");
        var metrics = api().get("/actuator/prometheus");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.text()).contains("http_server_requests_seconds_count").contains("hikaricp_connections");
    }
}
