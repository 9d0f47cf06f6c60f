package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import io.rtml.testing.SlowModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Per-version telemetry after a known set of requests: the JSON summary's counts and buckets, and
 * the Prometheus exposition on {@code /metrics}. Batching is off so that every request is one run.
 */
@OneNodeTest.NodeSettings("rtml.scoring.max-batch-rows=1")
class TelemetryTest extends OneNodeTest {

    static final ReferenceModel IRIS = ReferenceModels.named("sklearn_rf_iris_zipmap");
    static final String RECORD = "{\"records\":[{\"float_input\":[5.1,3.5,1.4,0.2]},{\"float_input\":[6.7,3.0,5.2,2.3]}]}";
    /** Any sample line of the text format: name, optional labels, a value. */
    static final Pattern SAMPLE = Pattern.compile("^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*\\})? (-?[0-9.eE+-]+|[+-]Inf|NaN)$");

    @BeforeAll
    static void deployAndPredict() {
        node.deploy(artifacts, "iris", 1, IRIS, null);
        byte[] failing = FailingModel.bytes();
        String url = artifacts.put("fails.onnx", failing);
        assertThat(node.stage("fails", 3, url, SlowModel.sha256(failing), failing.length, null).status()).isEqualTo(200);
        assertThat(node.activate("fails", 3).status()).isEqualTo(200);

        NodeClient client = node.client;
        for (int i = 0; i < 5; i++) {
            assertThat(client.post("/v1/services/iris/predict", RECORD).status()).isEqualTo(200);
        }
        assertThat(client.post("/v1/services/iris/predict", "{\"records\":[").status()).isEqualTo(400);
        assertThat(client.post("/v1/services/iris/predict", "{\"records\":[{\"petal\":[1]}]}").status()).isEqualTo(400);
        assertThat(client.post("/v2/models/fails/infer", FailingModel.request(2)).status()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            NodeClient.Response r = client.post("/v2/models/fails/infer", FailingModel.request(3));
            assertThat(r.status()).as(r.raw()).isEqualTo(500);
        }
    }

    @Test
    void theSummaryCountsEachOutcomeAndRowOfEachVersion() {
        JsonNode iris = version(telemetry(), "iris", 1);
        assertThat(iris.path("role").asString()).isEqualTo("active");
        JsonNode t = iris.path("telemetry");
        assertThat(t.path("requests").path("ok").asLong()).isEqualTo(5);
        assertThat(t.path("requests").path("clientError").asLong()).isEqualTo(2);
        assertThat(t.path("requests").path("serverError").asLong()).isZero();
        assertCumulative(t.path("latencySeconds"), 5);
        assertThat(t.path("latencySeconds").path("sum").asDouble()).isPositive();
        assertCumulative(t.path("rowsPerRequest"), 5);
        assertThat(t.path("rowsPerRequest").path("sum").asDouble()).isEqualTo(10.0);
        assertThat(bucket(t.path("rowsPerRequest"), 1)).isZero();
        assertThat(bucket(t.path("rowsPerRequest"), 2)).isEqualTo(5);
        assertThat(t.path("rowsPerBatch").path("count").asLong()).isEqualTo(5);
        // The top class's probability of every answered row: 10 values in (1/3, 1].
        JsonNode output = t.path("output");
        assertCumulative(output, 10);
        assertThat(bucket(output, 0.3)).isZero();
        assertThat(bucket(output, 1.0)).isEqualTo(10);

        JsonNode fails = version(telemetry(), "fails", 3).path("telemetry");
        assertThat(fails.path("requests").path("ok").asLong()).isEqualTo(1);
        assertThat(fails.path("requests").path("serverError").asLong()).isEqualTo(3);
        assertThat(fails.path("requests").path("clientError").asLong()).isZero();
        assertThat(fails.path("output").path("count").asLong()).isEqualTo(2);
        assertThat(fails.path("output").path("sum").asDouble()).isEqualTo(0.5);
    }

    @Test
    void metricsArePrometheusTextBehindTheNodeToken() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + node.node.adminPort() + "/metrics");
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);

        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + TestNode.TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        List<String> samples = r.body().lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertThat(samples).allSatisfy(l -> assertThat(l).matches(SAMPLE));
        assertThat(samples).contains(
                "rtml_scoring_requests_total{outcome=\"ok\",service=\"iris\",version=\"1\"} 5.0",
                "rtml_scoring_requests_total{outcome=\"client_error\",service=\"iris\",version=\"1\"} 2.0",
                "rtml_scoring_requests_total{outcome=\"server_error\",service=\"fails\",version=\"3\"} 3.0",
                "rtml_scoring_latency_seconds_count{service=\"iris\",version=\"1\"} 5",
                "rtml_scoring_request_rows_sum{service=\"iris\",version=\"1\"} 10.0",
                "rtml_scoring_output_bucket{service=\"iris\",version=\"1\",le=\"1.0\"} 10",
                "rtml_scoring_output_count{service=\"fails\",version=\"3\"} 2");
        assertThat(samples).anyMatch(l -> l.startsWith("rtml_scoring_latency_seconds_bucket{service=\"iris\",version=\"1\",le=\"+Inf\"} 5"));
        assertThat(samples).anyMatch(l -> l.startsWith("rtml_scoring_batch_rows_bucket{service=\"iris\",version=\"1\",le=\"2.0\"} 5"));
    }

    @Test
    void theSummaryNeedsTheNodeToken() {
        NodeClient anonymous = new NodeClient(node.node.port(), node.node.adminPort(), null);
        assertThat(anonymous.admin("GET", "/admin/v1/telemetry", null).status()).isEqualTo(401);
    }

    static JsonNode telemetry() {
        NodeClient.Response r = node.client.admin("GET", "/admin/v1/telemetry", null);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.body().path("enabled").asBoolean()).isTrue();
        return r.body();
    }

    static JsonNode version(JsonNode telemetry, String service, int version) {
        for (JsonNode s : telemetry.path("services")) {
            for (JsonNode v : s.path("versions")) {
                if (s.path("service").asString().equals(service) && v.path("version").asInt() == version) {
                    return v;
                }
            }
        }
        throw new AssertionError("no " + service + " v" + version + " in " + telemetry);
    }

    /** Counts never fall from one bucket to the next, and none exceeds the total. */
    static void assertCumulative(JsonNode histogram, long count) {
        assertThat(histogram.path("count").asLong()).isEqualTo(count);
        long previous = 0;
        for (JsonNode b : histogram.path("buckets")) {
            assertThat(b.path("count").asLong()).isBetween(previous, count);
            previous = b.path("count").asLong();
        }
        assertThat(histogram.path("buckets").size()).isPositive();
    }

    static long bucket(JsonNode histogram, double le) {
        for (JsonNode b : histogram.path("buckets")) {
            if (Math.abs(b.path("le").asDouble() - le) < 1e-9) {
                return b.path("count").asLong();
            }
        }
        throw new AssertionError("no bucket le=" + le + " in " + histogram);
    }

}
