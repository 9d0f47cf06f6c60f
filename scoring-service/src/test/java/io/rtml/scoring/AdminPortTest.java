package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With {@code admin-port} set, the admin API answers there only, and the prediction port has none;
 * the admin port, meant for the deployer's network, serves the rest too (health, predictions).
 */
@OneNodeTest.NodeSettings("rtml.scoring.admin-port=0")
class AdminPortTest extends OneNodeTest {

    @BeforeAll
    static void deployThroughTheAdminPort() {
        assertThat(node.node.adminPort()).isNotEqualTo(node.node.port());
        node.deploy(artifacts, "iris", 1, BadInputTest.model("sklearn_rf_iris_zipmap"), List.of("sl", "sw", "pl", "pw"));
    }

    @Test
    void predictionsOnBothPorts() {
        NodeClient.Response r = node.client.post("/v2/models/iris/infer", BadInputTest.OK);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(RawHttp.get(node.node.adminPort(), "/v2/models/iris", null)).startsWith("HTTP/1.1 200");
    }

    @Test
    void theAdminPortAnswersHealthChecksForTheDeployer() {
        assertThat(RawHttp.get(node.node.adminPort(), "/v2/health/ready", null)).startsWith("HTTP/1.1 200");
        assertThat(RawHttp.get(node.node.adminPort(), "/v2/health/live", null)).startsWith("HTTP/1.1 200");
    }

    @Test
    void theAdminApiIsUnreachableOnThePredictionPortHoweverItIsSpelled() {
        for (String target : List.of("/admin/v1/state", "/%61dmin/v1/state", "//admin/v1/state", "/admin//v1/state")) {
            String reply = RawHttp.get(node.node.port(), target, TestNode.TOKEN);
            assertThat(reply).as(target).matches("(?s)HTTP/1.1 40[04] .*").doesNotContain("\"services\"");
        }
        assertThat(RawHttp.get(node.node.adminPort(), "/admin/v1/state", TestNode.TOKEN)).startsWith("HTTP/1.1 200");
    }

    @Test
    void metricsAndTelemetryAreServedOnTheAdminPortOnly() {
        assertThat(RawHttp.get(node.node.port(), "/metrics", TestNode.TOKEN)).startsWith("HTTP/1.1 404");
        assertThat(RawHttp.get(node.node.port(), "/admin/v1/telemetry", TestNode.TOKEN)).startsWith("HTTP/1.1 404");
        assertThat(RawHttp.get(node.node.adminPort(), "/metrics", TestNode.TOKEN)).startsWith("HTTP/1.1 200")
                .contains("rtml_scoring_requests_total");
        assertThat(RawHttp.get(node.node.adminPort(), "/admin/v1/telemetry", TestNode.TOKEN)).startsWith("HTTP/1.1 200");
    }
}
