package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.rtml.scoring.oip.grpc.GRPCInferenceServiceGrpc;
import io.rtml.scoring.oip.grpc.ModelInferResponse;
import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 rapid reset (CVE-2023-44487): a client that opens streams and resets them at once is sent
 * away with GOAWAY ENHANCE_YOUR_CALM past {@code max-resets-per-window} (the node's default, 200 in
 * 30 s), and a well-behaved client is served. A class of its own: in GrpcLimitsTest's node, after
 * its other hostile clients, the unfinished-bytes and ping tests that followed failed (see
 * docs/runs/grpc-fix.md).
 */
@OneNodeTest.NodeSettings({"rtml.scoring.grpc-port=0"})
class GrpcResetBoundTest extends OneNodeTest {

    static final ReferenceModel IRIS = ReferenceModels.named("sklearn_rf_iris_zipmap");
    static final String MODEL_INFER = "ModelInfer";

    private static int port() {
        return node.node.grpcPort();
    }

    @Test
    void aClientThatResetsStreamsWithoutPauseIsSentAway() throws Exception {
        try (RawHttp2 raw = new RawHttp2(port()).start()) {
            RawHttp2.Frame goAway = null;
            int resets = 0;
            // each stream opened and at once cancelled: never more than one open, so only the reset bound applies
            while (goAway == null && resets < 2 * NodeConfig.DEFAULT_MAX_RESETS_PER_WINDOW) {
                int stream = 1 + 2 * resets;
                try {
                    raw.call(stream, MODEL_INFER, Map.of());
                    raw.reset(stream, 0x8);
                } catch (java.net.SocketException closed) {
                    break; // the node closed the connection: its GOAWAY is read below
                }
                resets++;
                while (goAway == null && raw.hasInput()) {
                    RawHttp2.Frame f = raw.read();
                    goAway = f.type() == RawHttp2.GOAWAY ? f : null;
                }
            }
            while (goAway == null) { // the answer to the last resets may still be on its way
                RawHttp2.Frame f = raw.read();
                goAway = f.type() == RawHttp2.GOAWAY ? f : null;
            }
            assertThat(resets).as("resets sent before the GOAWAY").isGreaterThan(NodeConfig.DEFAULT_MAX_RESETS_PER_WINDOW);
            assertThat(goAway.errorCode()).as("ENHANCE_YOUR_CALM").isEqualTo(0xb);
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void aWellBehavedClientIsServedAfterTheResets() throws Exception {
        aClientThatResetsStreamsWithoutPauseIsSentAway();
        node.deploy(artifacts, "resets", 1, IRIS, null);
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port()).usePlaintext().build();
        try {
            ModelInferResponse r = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .modelInfer(OipMessages.request("resets", "ok", IRIS.reference().path("inputs"), true));
            assertThat(r.getModelVersion()).isEqualTo("1");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
