package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.rtml.scoring.oip.grpc.GRPCInferenceServiceGrpc;
import io.rtml.scoring.oip.grpc.ModelInferResponse;
import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code max-connection-age-millis}: a connection that old is sent a graceful GOAWAY (so that a
 * client behind an L4 balancer reconnects elsewhere), then closed once the grace has passed even
 * with a call still open; a grpc client reconnects by itself and is answered.
 */
@OneNodeTest.NodeSettings({"rtml.scoring.grpc-port=0",
        "rtml.scoring.grpc.max-connection-age-millis=1000",
        "rtml.scoring.grpc.max-connection-age-grace-millis=1000"})
class GrpcConnectionAgeTest extends OneNodeTest {

    static final ReferenceModel IRIS = ReferenceModels.named("sklearn_rf_iris_zipmap");

    @Test
    void anOldConnectionIsSentAwayAndClosedAfterTheGrace() throws Exception {
        try (RawHttp2 raw = new RawHttp2(node.node.grpcPort()).start()) {
            raw.call(1, "ModelInfer", Map.of()); // a call that never sends its message: only the grace ends it
            RawHttp2.Frame goAway;
            do {
                goAway = raw.read();
            } while (goAway.type() != RawHttp2.GOAWAY);
            assertThat(goAway.errorCode()).as("NO_ERROR: a graceful GOAWAY").isZero();
            assertThat(raw.closedByServer()).as("closed after the grace").isTrue();
        }
    }

    @Test
    void aGrpcClientReconnectsAndIsAnswered() throws InterruptedException {
        node.deploy(artifacts, "age", 1, IRIS, null);
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", node.node.grpcPort()).usePlaintext().build();
        try {
            var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
            for (int connection = 0; connection < 2; connection++) {
                ModelInferResponse r = stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                        .modelInfer(OipMessages.request("age", "ok", IRIS.reference().path("inputs"), true));
                assertThat(r.getModelVersion()).isEqualTo("1");
                // the node sends this connection away when it is old: the channel leaves READY
                CountDownLatch left = new CountDownLatch(1);
                channel.notifyWhenStateChanged(ConnectivityState.READY, left::countDown);
                assertThat(left.await(30, TimeUnit.SECONDS)).as("the connection was sent away").isTrue();
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
