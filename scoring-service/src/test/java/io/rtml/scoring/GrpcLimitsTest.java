package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Headers;
import io.grpc.stub.MetadataUtils;
import io.rtml.scoring.oip.grpc.GRPCInferenceServiceGrpc;
import io.rtml.scoring.oip.grpc.ModelInferRequest;
import io.rtml.scoring.oip.grpc.ModelInferResponse;
import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gRPC listener's limits against hostile clients, each followed by a well-behaved client that
 * must still be answered: a client that ignores MAX_CONCURRENT_STREAMS, a TCP connection that
 * never speaks HTTP/2, metadata over the cap (from a grpc client and by hand), a message over
 * {@code max-body-bytes}, request bytes that take the node over {@code max-unfinished-body-bytes} (a
 * budget it shares with HTTP), a call whose message never completes, a client that pings without
 * pause, and one that opens and resets streams without pause (HTTP/2 rapid reset, CVE-2023-44487;
 * the bound is the node's default, 200 resets in 30 s).
 */
@OneNodeTest.NodeSettings({"rtml.scoring.grpc-port=0",
        "rtml.scoring.grpc.max-calls-per-connection=2",
        "rtml.scoring.grpc.handshake-timeout-millis=500",
        "rtml.scoring.grpc.max-metadata-bytes=2048",
        "rtml.scoring.max-body-bytes=1048576",
        "rtml.scoring.max-unfinished-body-bytes=1048576",
        "rtml.scoring.request-timeout-millis=5000"})
class GrpcLimitsTest extends OneNodeTest {

    static final ReferenceModel IRIS = ReferenceModels.named("sklearn_rf_iris_zipmap");
    static final String MODEL_INFER = "ModelInfer";
    private static ManagedChannel channel;

    @BeforeAll
    static void deployAndConnect() {
        node.deploy(artifacts, "limits", 1, IRIS, null);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", node.node.grpcPort()).usePlaintext().build();
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** After every hostile client: a well-behaved one is answered. */
    @AfterEach
    void aWellBehavedClientIsStillServed() {
        ModelInferResponse r = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .modelInfer(OipMessages.request("limits", "ok", IRIS.reference().path("inputs"), true));
        assertThat(r.getModelVersion()).isEqualTo("1");
    }

    private static int port() {
        return node.node.grpcPort();
    }

    @Test
    void aClientThatIgnoresTheStreamLimitHasItsExtraStreamRefused() throws Exception {
        try (RawHttp2 raw = new RawHttp2(port()).start()) {
            assertThat(raw.serverSetting(0x3)).as("MAX_CONCURRENT_STREAMS").isEqualTo(2);
            raw.call(1, MODEL_INFER, Map.of());
            raw.call(3, MODEL_INFER, Map.of());
            raw.call(5, MODEL_INFER, Map.of()); // a third, past the advertised limit
            RawHttp2.Frame refused = raw.end(5);
            assertThat(refused.type()).isEqualTo(RawHttp2.RST_STREAM);
            assertThat(refused.errorCode()).as("REFUSED_STREAM").isEqualTo(0x7);
        }
    }

    @Test
    void aConnectionThatNeverSpeaksHttp2IsClosedAfterTheHandshakeTimeout() throws Exception {
        try (RawHttp2 silent = new RawHttp2(port())) {
            assertThat(silent.closedByServer()).as("closed by the server").isTrue();
        }
        try (RawHttp2 prefaceOnly = new RawHttp2(port())) {
            // the preface's first bytes and then nothing: the handshake never completes either
            prefaceOnly.raw("PRI * HTTP/2.0\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(prefaceOnly.closedByServer()).isTrue();
        }
    }

    /**
     * A grpc-java client never sends metadata over the cap: the node's SETTINGS carry it as
     * MAX_HEADER_LIST_SIZE and the client's own HTTP/2 codec fails the call with {@code INTERNAL}.
     */
    @Test
    void metadataOverTheCapIsRefusedByAGrpcClientItself() {
        Metadata huge = new Metadata();
        huge.put(Metadata.Key.of("x-padding", Metadata.ASCII_STRING_MARSHALLER), "x".repeat(4096));
        var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(huge));
        assertThatThrownBy(() -> stub.modelInfer(OipMessages.request("limits", "", IRIS.reference().path("inputs"), true)))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(Status.Code.INTERNAL);
                    assertThat(e.getStatus().getCause()).hasMessageContaining("Header size exceeded max allowed size (2048)");
                });
    }

    /**
     * A client that ignores MAX_HEADER_LIST_SIZE: Netty's HTTP/2 codec (under grpc-java) answers
     * metadata a little over the cap with an HTTP {@code 431} on that stream alone (no grpc-status; the
     * connection stays), and metadata over 1.25 times the cap with {@code GOAWAY PROTOCOL_ERROR}: it
     * stops decoding such a header block, which leaves the connection's HPACK state unusable.
     */
    @Test
    void metadataOverTheCapIsRefusedWith431OrGoAwayByTheNode() throws Exception {
        try (RawHttp2 raw = new RawHttp2(port()).start()) {
            raw.call(1, MODEL_INFER, Map.of("x-padding", "x".repeat(2300))); // over 2048, under 2560
            RawHttp2.Frame end = raw.end(1);
            assertThat(end.type()).isEqualTo(RawHttp2.HEADERS);
            Http2Headers answer = raw.headers(end);
            assertThat(answer.status()).hasToString("431");
            assertThat(answer.get("grpc-status")).isNull();
            raw.frame(RawHttp2.PING, 0, 0, new byte[8]);
            RawHttp2.Frame f;
            do {
                f = raw.read();
            } while (f.type() != RawHttp2.PING && f.type() != RawHttp2.GOAWAY);
            assertThat(f.type()).as("the connection stays").isEqualTo(RawHttp2.PING);
        }
        try (RawHttp2 raw = new RawHttp2(port()).start()) {
            raw.call(1, MODEL_INFER, Map.of("x-padding", "x".repeat(4096)));
            RawHttp2.Frame end = raw.end(1);
            assertThat(end.type()).isEqualTo(RawHttp2.GOAWAY);
            assertThat(end.errorCode()).as("PROTOCOL_ERROR").isEqualTo(0x1);
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void aMessageOverMaxBodyBytesIsRefused() {
        ModelInferRequest big = ModelInferRequest.newBuilder().setModelName("limits")
                .addRawInputContents(ByteString.copyFrom(new byte[1_100_000])).build();
        assertThatThrownBy(() -> GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .modelInfer(big))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                        .as(e.getStatus().toString()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    }

    @Test
    void unfinishedRequestsOverTheNodeWideCapAreRefusedAndTheirBytesReleased() throws Exception {
        byte[] message = RawHttp2.message(ModelInferRequest.newBuilder().setModelName("limits")
                .addRawInputContents(ByteString.copyFrom(new byte[900_000])).build().toByteArray());
        try (RawHttp2 first = new RawHttp2(port()).start(); RawHttp2 second = new RawHttp2(port()).start()) {
            first.call(1, MODEL_INFER, Map.of());
            first.data(1, message, 0, 600_000, false); // 600 KB of 1 MiB
            first.frame(RawHttp2.PING, 0, 0, new byte[8]);
            while (first.read().type() != RawHttp2.PING) {
                // window updates
            }
            second.call(1, MODEL_INFER, Map.of());
            second.data(1, message, 0, 600_000, false); // the two take the node past 1 MiB
            // The bytes count when grpc's deframer takes them in, which may lag the PING's answer: the
            // two connections' pieces can interleave, and the piece that crosses the cap may be the
            // first's. Either way one call is refused, naming the setting (the other then times out).
            Http2Headers trailers = second.headers(second.end(1));
            if (!trailers.get("grpc-status").toString().equals(Integer.toString(Status.Code.RESOURCE_EXHAUSTED.value()))) {
                RawHttp2.Frame end = first.end(1);
                assertThat(end.type()).as("trailers with a status, not a reset").isEqualTo(RawHttp2.HEADERS);
                trailers = first.headers(end);
            }
            assertThat(trailers.get("grpc-status")).hasToString(Integer.toString(Status.Code.RESOURCE_EXHAUSTED.value()));
            assertThat(trailers.get("grpc-message").toString()).contains("max-unfinished-body-bytes");
        }
        // both connections closed: their bytes are released, and the same 600 KB pass
        try (RawHttp2 third = new RawHttp2(port()).start()) {
            third.call(1, MODEL_INFER, Map.of());
            third.data(1, message, 0, message.length, true);
            RawHttp2.Frame end = third.end(1);
            String status = end.type() == RawHttp2.HEADERS ? third.headers(end).get("grpc-status").toString() : "reset";
            assertThat(status).as("the whole message was taken in (and then refused by validation)")
                    .isNotEqualTo(Integer.toString(Status.Code.RESOURCE_EXHAUSTED.value())).isNotEqualTo("reset");
        }
    }

    @Test
    void aCallWhoseMessageNeverCompletesEndsAfterTheRequestTimeout() throws Exception {
        byte[] message = RawHttp2.message(ModelInferRequest.newBuilder().setModelName("limits")
                .addRawInputContents(ByteString.copyFrom(new byte[10_000])).build().toByteArray());
        try (RawHttp2 raw = new RawHttp2(port()).start()) {
            raw.call(1, MODEL_INFER, Map.of());
            raw.data(1, message, 0, 5_000, false);
            RawHttp2.Frame end = raw.end(1);
            assertThat(end.type()).isEqualTo(RawHttp2.HEADERS);
            assertThat(raw.headers(end).get("grpc-status")).hasToString(
                    Integer.toString(Status.Code.DEADLINE_EXCEEDED.value()));
        }
    }

    @Test
    void aClientThatPingsWithoutPauseIsSentAway() throws IOException {
        try (RawHttp2 raw = new RawHttp2(port()).start()) {
            RawHttp2.Frame goAway = null;
            for (int i = 0; i < 20 && goAway == null; i++) {
                raw.frame(RawHttp2.PING, 0, 0, new byte[8]);
                RawHttp2.Frame f;
                do {
                    f = raw.read();
                } while (f.type() != RawHttp2.PING && f.type() != RawHttp2.GOAWAY);
                goAway = f.type() == RawHttp2.GOAWAY ? f : null;
            }
            assertThat(goAway).as("GOAWAY before 20 pings").isNotNull();
            assertThat(goAway.errorCode()).as("ENHANCE_YOUR_CALM").isEqualTo(0xb);
        }
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
}
