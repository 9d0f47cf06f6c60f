package io.rtml.scoring;

import static io.rtml.testing.ProtoBuilder.valueInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.onnx.proto.AttributeProto;
import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.NodeProto;
import io.rtml.onnx.proto.TensorProto;
import io.rtml.testing.ProtoBuilder;
import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import io.rtml.testing.SlowModel;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.rtml.scoring.oip.grpc.GRPCInferenceServiceGrpc;
import io.rtml.scoring.oip.grpc.ModelInferRequest;
import io.rtml.scoring.oip.grpc.ModelInferResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Shadow scoring: the candidate scores sampled live requests after their replies. The replies are
 * the same with and without a shadow, and the candidate's agreement, failures and latency show in
 * its telemetry: an identical model agrees on every output, a different one (the arg-max of the
 * features as its label, no probabilities) disagrees, one that cannot read the input fails.
 */
@OneNodeTest.NodeSettings({"rtml.scoring.standby-versions=4", "rtml.scoring.grpc-port=0"})
class ShadowTest extends OneNodeTest {

    static final ReferenceModel IRIS = ReferenceModels.named("sklearn_rf_iris_zipmap");
    static final String PATH = "/v1/services/shadowed/predict";
    static final List<String> BODIES = List.of(TelemetryTest.RECORD,
            "{\"records\":[{\"float_input\":[5.9,3.0,4.2,1.5]}]}",
            "{\"records\":[{\"float_input\":[6.3,2.9,5.6,1.8]},{\"float_input\":[4.9,3.1,1.5,0.1]},{\"float_input\":[5.5,2.4,3.8,1.1]}]}");

    @BeforeAll
    static void deploy() {
        node.deploy(artifacts, "shadowed", 1, IRIS, null);
        stage(2, IRIS.readBytes());
        stage(3, argMaxModel());
        stage(4, FailingModel.bytes());
    }

    @Test
    void anIdenticalCandidateAgreesAndNoReplyChanges() {
        List<String> without = replies(30);
        assertThat(shadow(2, 100).status()).isEqualTo(200);
        List<String> with = replies(30);
        assertThat(with).isEqualTo(without);

        JsonNode shadow = awaitShadow(2, 30);
        long compared = shadow.path("compared").asLong();
        assertThat(compared).isPositive();
        assertThat(shadow.path("agreed").asLong()).isEqualTo(compared);
        assertThat(shadow.path("failed").asLong()).isZero();
        assertThat(shadow.path("outputs").path("output_label").path("agreed").asLong()).isEqualTo(compared);
        assertThat(shadow.path("outputs").path("output_probability").path("agreed").asLong()).isEqualTo(compared);
        assertThat(shadow.path("latencySeconds").path("count").asLong()).isEqualTo(compared);
        JsonNode served = TelemetryTest.version(TelemetryTest.telemetry(), "shadowed", 2).path("telemetry");
        assertThat(served.path("requests").path("ok").asLong()).as("shadow runs are not served requests").isZero();
        assertThat(node.client.admin("GET", "/metrics", null).raw()).contains(
                "rtml_scoring_shadow_total{result=\"agreed\",service=\"shadowed\",version=\"2\"} " + compared + ".0");
    }

    @Test
    void aDifferentCandidateDisagreesAndABrokenOneFails() {
        assertThat(shadow(3, 100).status()).isEqualTo(200);
        List<String> before = replies(10);
        JsonNode different = awaitShadow(3, 10);
        long compared = different.path("compared").asLong();
        assertThat(different.path("disagreed").asLong()).isEqualTo(compared).isPositive();
        assertThat(different.path("outputs").path("output_probability").path("disagreed").asLong()).isEqualTo(compared);

        assertThat(shadow(4, 100).status()).isEqualTo(200);
        assertThat(replies(10)).isEqualTo(before);
        JsonNode broken = awaitShadow(4, 10);
        assertThat(broken.path("failed").asLong()).isEqualTo(10 - broken.path("dropped").asLong()).isPositive();
        assertThat(broken.path("compared").asLong()).isZero();

        assertThat(node.client.admin("DELETE", "/admin/v1/services/shadowed/shadow", null).status()).isEqualTo(200);
        JsonNode state = TrafficSplitTest.service(node.client.admin("GET", "/admin/v1/state", null).body(), "shadowed");
        assertThat(state.path("shadow").isNull()).isTrue();
    }

    /**
     * gRPC inferences are sampled as HTTP ones are: the same draw, run after the reply, the same
     * telemetry and metrics; an inference that names its version is not sampled (as
     * {@code /v2/models/{name}/versions/{v}/infer} is not), and no reply changes.
     */
    @Test
    void grpcInferencesAreSampledAsHttpOnesAre() throws InterruptedException {
        node.deploy(artifacts, "grpc-shadowed", 1, IRIS, null);
        stage("grpc-shadowed", 2, argMaxModel());
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", node.node.grpcPort()).usePlaintext().build();
        try {
            var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
            ModelInferRequest request = OipMessages.request("grpc-shadowed", "s", IRIS.reference().path("inputs"), true);
            ModelInferResponse without = stub.modelInfer(request);
            assertThat(node.client.admin("PUT", "/admin/v1/services/grpc-shadowed/shadow",
                    Map.of("candidate", 2, "percent", 100)).status()).isEqualTo(200);
            for (int i = 0; i < 10; i++) {
                assertThat(stub.modelInfer(request)).as("the served reply").isEqualTo(without);
            }
            JsonNode shadow = awaitShadow("grpc-shadowed", 2, 10);
            long compared = shadow.path("compared").asLong();
            assertThat(compared).isPositive();
            assertThat(shadow.path("outputs").path("output_probability").path("disagreed").asLong()).isEqualTo(compared);
            assertThat(node.client.admin("GET", "/metrics", null).raw()).contains(
                    "rtml_scoring_shadow_total{result=\"disagreed\",service=\"grpc-shadowed\",version=\"2\"} " + compared + ".0");

            for (int i = 0; i < 5; i++) {
                stub.modelInfer(request.toBuilder().setModelVersion("1").build());
            }
            stub.modelInfer(request); // sampled: the last of 11
            awaitShadow("grpc-shadowed", 2, 11);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void theAdminApiRefusesWhatCannotShadow() {
        assertThat(node.client.admin("PUT", "/admin/v1/services/shadowed/shadow",
                Map.of("candidate", 1, "percent", 10)).status()).isEqualTo(409);
        assertThat(node.client.admin("PUT", "/admin/v1/services/shadowed/shadow",
                Map.of("candidate", 9, "percent", 10)).status()).isEqualTo(404);
        assertThat(node.client.admin("PUT", "/admin/v1/services/shadowed/shadow",
                Map.of("candidate", 2, "percent", 10, "tolerance", -1)).status()).isEqualTo(400);
    }

    private static List<String> replies(int n) {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            NodeClient.Response r = node.client.post(PATH, BODIES.get(i % BODIES.size()));
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            assertThat(r.modelVersion()).isEqualTo("1");
            bodies.add(r.raw());
        }
        return bodies;
    }

    /** The candidate's shadow figures once all {@code runs} are accounted for (compared, failed or dropped). */
    private static JsonNode awaitShadow(int version, int runs) {
        return awaitShadow("shadowed", version, runs);
    }

    private static JsonNode awaitShadow(String service, int version, int runs) {
        JsonNode[] shadow = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            shadow[0] = TelemetryTest.version(TelemetryTest.telemetry(), service, version).path("telemetry").path("shadow");
            return shadow[0].path("compared").asLong() + shadow[0].path("failed").asLong()
                    + shadow[0].path("dropped").asLong() == runs;
        });
        return shadow[0];
    }

    private static NodeClient.Response shadow(int candidate, int percent) {
        return node.client.admin("PUT", "/admin/v1/services/shadowed/shadow", Map.of("candidate", candidate, "percent", percent));
    }

    private static void stage(int version, byte[] model) {
        stage("shadowed", version, model);
    }

    private static void stage(String service, int version, byte[] model) {
        String url = artifacts.put(service + "-" + version + ".onnx", model);
        NodeClient.Response r = node.stage(service, version, url, SlowModel.sha256(model), model.length, null);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
    }

    /** Reads iris's input and answers {@code output_label} = the index of the largest feature, and nothing else. */
    static byte[] argMaxModel() {
        NodeProto argMax = NodeProto.newBuilder().addInput("float_input").addOutput("output_label").setOpType("ArgMax")
                .addAttribute(AttributeProto.newBuilder().setName("axis").setI(1).setType(AttributeProto.AttributeType.INT))
                .addAttribute(AttributeProto.newBuilder().setName("keepdims").setI(0).setType(AttributeProto.AttributeType.INT))
                .build();
        GraphProto graph = GraphProto.newBuilder().addNode(argMax).setName("argmax")
                .addInput(valueInfo("float_input", TensorProto.DataType.FLOAT_VALUE, "N", 4L))
                .addOutput(valueInfo("output_label", TensorProto.DataType.INT64_VALUE, "N"))
                .build();
        return ProtoBuilder.model(ProtoBuilder.of(graph)).toByteArray();
    }
}
