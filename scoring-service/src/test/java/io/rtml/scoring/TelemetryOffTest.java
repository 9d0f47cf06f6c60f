package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.testing.ReferenceModels;
import org.junit.jupiter.api.Test;

/** {@code rtml.scoring.telemetry=false}: predictions are answered as usual and nothing is recorded. */
@OneNodeTest.NodeSettings("rtml.scoring.telemetry=false")
class TelemetryOffTest extends OneNodeTest {

    @Test
    void nothingIsRecordedAndTheEndpointsSaySo() {
        node.deploy(artifacts, "iris", 1, ReferenceModels.named("sklearn_rf_iris_zipmap"), null);
        assertThat(node.client.post("/v1/services/iris/predict", TelemetryTest.RECORD).status()).isEqualTo(200);

        NodeClient.Response summary = node.client.admin("GET", "/admin/v1/telemetry", null);
        assertThat(summary.status()).isEqualTo(200);
        assertThat(summary.body().path("enabled").asBoolean()).isFalse();
        assertThat(TelemetryTest.version(summary.body(), "iris", 1).path("telemetry").isNull()).isTrue();
        NodeClient.Response metrics = node.client.admin("GET", "/metrics", null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.raw()).doesNotContain("rtml_scoring");
    }
}
