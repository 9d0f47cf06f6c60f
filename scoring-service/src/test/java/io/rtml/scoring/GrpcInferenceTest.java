package io.rtml.scoring;

import static io.rtml.scoring.ReferenceAssertions.assertOipOutput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.rtml.scoring.oip.grpc.GRPCInferenceServiceGrpc;
import io.rtml.scoring.oip.grpc.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import io.rtml.scoring.oip.grpc.GRPCInferenceServiceGrpc.GRPCInferenceServiceFutureStub;
import io.rtml.scoring.oip.grpc.InferTensorContents;
import io.rtml.scoring.oip.grpc.ModelInferRequest;
import io.rtml.scoring.oip.grpc.ModelInferResponse;
import io.rtml.scoring.oip.grpc.ModelMetadataRequest;
import io.rtml.scoring.oip.grpc.ModelMetadataResponse;
import io.rtml.scoring.oip.grpc.ModelReadyRequest;
import io.rtml.scoring.oip.grpc.ServerLiveRequest;
import io.rtml.scoring.oip.grpc.ServerMetadataRequest;
import io.rtml.scoring.oip.grpc.ServerReadyRequest;
import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import com.google.common.util.concurrent.ListenableFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The OIP gRPC service of a real node, through a client generated from the same published proto:
 * every servable reference model answers as the JSON path does (raw and typed contents, compared
 * with the reference within its tolerance), versions are picked and pinned as over HTTP and named
 * in trailing metadata, API keys guard the same services, merged runs happen, and mistakes come
 * back as gRPC status codes with readable messages.
 */
@OneNodeTest.NodeSettings({"rtml.scoring.grpc-port=0", "rtml.scoring.api-keys=guarded=grpc-key"})
class GrpcInferenceTest extends OneNodeTest {

    private static ManagedChannel channel;

    @BeforeAll
    static void connect() {
        assertThat(node.node.grpcPort()).isPositive();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", node.node.grpcPort()).usePlaintext()
                .maxInboundMessageSize(64 << 20).build();
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** A stub that records the call's trailing metadata into {@code trailers}. */
    private static GRPCInferenceServiceBlockingStub stub(AtomicReference<Metadata> trailers, Metadata headers) {
        GRPCInferenceServiceBlockingStub stub = GRPCInferenceServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(60, TimeUnit.SECONDS);
        if (headers != null) {
            stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        return trailers == null ? stub : stub.withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(
                new AtomicReference<>(), trailers));
    }

    private static GRPCInferenceServiceBlockingStub stub() {
        return stub(null, null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.rtml.testing.ReferenceModels#servable")
    void rawAndTypedContentsMatchTheReferenceAsJsonDoes(ReferenceModel model) {
        String service = "grpc-" + model.name().replace('_', '-');
        node.deploy(artifacts, service, 1, model, null);

        ModelMetadataResponse meta = stub().modelMetadata(ModelMetadataRequest.newBuilder().setName(service).build());
        assertThat(meta.getPlatform()).isEqualTo("onnxruntime_onnx");
        assertThat(meta.getVersionsList()).containsExactly("1");
        for (JsonNode declared : model.reference().path("model").path("declared_inputs")) {
            ModelMetadataResponse.TensorMetadata served = meta.getInputsList().stream()
                    .filter(i -> i.getName().equals(declared.path("name").asString())).findFirst().orElseThrow();
            assertThat(served.getDatatype()).isEqualTo(declared.path("datatype").asString());
        }

        for (boolean raw : new boolean[] {true, false}) {
            AtomicReference<Metadata> trailers = new AtomicReference<>();
            ModelInferResponse r = stub(trailers, null).modelInfer(
                    OipMessages.request(service, "ref-" + model.name(), model.reference().path("inputs"), raw));
            assertThat(r.getModelName()).isEqualTo(service);
            assertThat(r.getModelVersion()).isEqualTo("1");
            assertThat(r.getId()).isEqualTo("ref-" + model.name());
            assertThat(trailers.get().get(GrpcServer.VERSION)).isEqualTo("1");
            assertThat(r.getRawOutputContentsCount()).as("raw in, raw out; typed in, typed out")
                    .isEqualTo(raw ? r.getOutputsCount() : 0);
            List<JsonNode> outputs = OipMessages.outputs(r);
            for (JsonNode expected : model.reference().path("outputs")) {
                assertOipOutput(OipMessages.named(outputs, expected.path("name").asString()), expected,
                        model.reference());
            }
        }
    }

    @Test
    void serverCallsAnswer() {
        assertThat(stub().serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
        assertThat(stub().serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
        var meta = stub().serverMetadata(ServerMetadataRequest.getDefaultInstance());
        assertThat(meta.getName()).isEqualTo("rtml-scoring");
        assertThat(meta.getExtensionsList()).contains("binary_tensor_data");
    }

    @Test
    void versionsArePickedAndPinnedAsOverHttpAndNamedInTrailers() {
        ReferenceModel iris = ReferenceModels.named("sklearn_rf_iris_zipmap");
        node.deploy(artifacts, "versions", 1, iris, null);
        node.deploy(artifacts, "versions", 2, iris, null);
        ModelInferRequest request = OipMessages.request("versions", "", iris.reference().path("inputs"), true);

        assertThat(answeredBy(request, null)).isEqualTo("2");
        assertThat(answeredBy(request.toBuilder().setModelVersion("1").build(), null)).isEqualTo("1");
        Metadata pin = new Metadata();
        pin.put(GrpcServer.VERSION, "1");
        assertThat(answeredBy(request, pin)).isEqualTo("1");
        // the message's own version wins over the pin, as the path does over the header
        assertThat(answeredBy(request.toBuilder().setModelVersion("2").build(), pin)).isEqualTo("2");

        assertThat(stub().modelReady(ModelReadyRequest.newBuilder().setName("versions").setVersion("1").build())
                .getReady()).isTrue();
        assertThat(stub().modelReady(ModelReadyRequest.newBuilder().setName("versions").setVersion("7").build())
                .getReady()).isFalse();
        assertThat(stub().modelReady(ModelReadyRequest.newBuilder().setName("nobody").build()).getReady()).isFalse();

        assertStatus(() -> stub().modelInfer(request.toBuilder().setModelVersion("7").build()), Status.Code.NOT_FOUND,
                "version 7 of service 'versions' is not loaded");
        assertStatus(() -> stub().modelInfer(request.toBuilder().setModelVersion("latest").build()),
                Status.Code.INVALID_ARGUMENT, "model_version must be a version number, not 'latest'");
        Metadata badPin = new Metadata();
        badPin.put(GrpcServer.VERSION, "x");
        assertStatus(() -> stub(null, badPin).modelInfer(request), Status.Code.INVALID_ARGUMENT,
                "rtml-model-version must be a version number");
    }

    private static String answeredBy(ModelInferRequest request, Metadata headers) {
        AtomicReference<Metadata> trailers = new AtomicReference<>();
        ModelInferResponse r = stub(trailers, headers).modelInfer(request);
        assertThat(trailers.get().get(GrpcServer.VERSION)).isEqualTo(r.getModelVersion());
        return r.getModelVersion();
    }

    @Test
    void apiKeysGuardTheSameServicesAsOverHttp() {
        ReferenceModel iris = ReferenceModels.named("sklearn_rf_iris_zipmap");
        node.deploy(artifacts, "guarded", 1, iris, null);
        ModelInferRequest request = OipMessages.request("guarded", "", iris.reference().path("inputs"), true);

        assertStatus(() -> stub().modelInfer(request), Status.Code.UNAUTHENTICATED,
                "service 'guarded' needs an API key");
        assertStatus(() -> stub().modelMetadata(ModelMetadataRequest.newBuilder().setName("guarded").build()),
                Status.Code.UNAUTHENTICATED, "needs an API key");
        Metadata wrong = new Metadata();
        wrong.put(GrpcServer.AUTHORIZATION, "Bearer not-the-key");
        assertStatus(() -> stub(null, wrong).modelInfer(request), Status.Code.UNAUTHENTICATED, "needs an API key");

        Metadata bearer = new Metadata();
        bearer.put(GrpcServer.AUTHORIZATION, "Bearer grpc-key");
        assertThat(stub(null, bearer).modelInfer(request).getModelVersion()).isEqualTo("1");
        Metadata apiKey = new Metadata();
        apiKey.put(GrpcServer.API_KEY, "grpc-key");
        assertThat(stub(null, apiKey).modelInfer(request).getModelVersion()).isEqualTo("1");
        // the same key over HTTP, for the same service
        assertThat(node.client.post("/v2/models/guarded/infer", "{\"inputs\":[]}", "X-API-Key", "grpc-key")
                .status()).isEqualTo(400);
        assertThat(stub().serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue(); // open
    }

    @Test
    void badRequestsGetStatusCodesWithReadableMessages() {
        ReferenceModel iris = ReferenceModels.named("sklearn_rf_iris_zipmap");
        node.deploy(artifacts, "bad", 1, iris, null);
        ModelInferRequest good = OipMessages.request("bad", "", iris.reference().path("inputs"), true);

        assertStatus(() -> stub().modelInfer(good.toBuilder().setModelName("nobody").build()), Status.Code.NOT_FOUND,
                "unknown service 'nobody'");
        assertStatus(() -> stub().modelMetadata(ModelMetadataRequest.newBuilder().setName("nobody").build()),
                Status.Code.NOT_FOUND, "unknown service 'nobody'");
        assertStatus(() -> stub().modelInfer(good.toBuilder().setInputs(0, good.getInputs(0).toBuilder()
                .setDatatype("FP64")).build()), Status.Code.INVALID_ARGUMENT, "datatype FP64 does not match the model's FP32");
        assertStatus(() -> stub().modelInfer(good.toBuilder().setInputs(0, good.getInputs(0).toBuilder()
                .setDatatype("FLOAT")).build()), Status.Code.INVALID_ARGUMENT, "unknown datatype 'FLOAT'");
        assertStatus(() -> stub().modelInfer(good.toBuilder().setRawInputContents(0,
                good.getRawInputContents(0).substring(0, 30)).build()), Status.Code.INVALID_ARGUMENT,
                "30 bytes are not a whole number of FP32 elements");
        assertStatus(() -> stub().modelInfer(good.toBuilder().setRawInputContents(0,
                good.getRawInputContents(0).substring(0, 16)).build()), Status.Code.INVALID_ARGUMENT,
                "needs 8 values, data has 4");
        assertStatus(() -> stub().modelInfer(good.toBuilder().addRawInputContents(ByteString.EMPTY).build()),
                Status.Code.INVALID_ARGUMENT, "raw_input_contents has 2 entries for 1 inputs");
        ModelInferRequest typed = OipMessages.request("bad", "", iris.reference().path("inputs"), false);
        assertStatus(() -> stub().modelInfer(typed.toBuilder().addRawInputContents(good.getRawInputContents(0)).build()),
                Status.Code.INVALID_ARGUMENT, "use one form for every input");
        assertStatus(() -> stub().modelInfer(typed.toBuilder().setInputs(0, typed.getInputs(0).toBuilder()
                .setContents(InferTensorContents.newBuilder().addAllFp64Contents(List.of(1.0, 2.0)))).build()),
                Status.Code.INVALID_ARGUMENT, "FP32 values go in fp32_contents");
        assertStatus(() -> stub().modelInfer(good.toBuilder().addOutputs(
                ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("nope")).build()),
                Status.Code.INVALID_ARGUMENT, "unknown output 'nope'");
        AtomicReference<Metadata> trailers = new AtomicReference<>();
        assertStatus(() -> stub(trailers, null).modelInfer(good.toBuilder().clearInputs().clearRawInputContents()
                .build()), Status.Code.INVALID_ARGUMENT, "missing input 'float_input'");
        assertThat(trailers.get().get(GrpcServer.VERSION)).as("a version's own 400 still names it").isEqualTo("1");
        // the node lives on
        assertThat(stub().modelInfer(good).getModelVersion()).isEqualTo("1");
    }

    /**
     * A few hundred bytes that declare huge shapes must not make the node set aside room for those
     * shapes: the room for an input is bounded by the data the message carries, as over HTTP, so
     * 17 inputs of 8 bytes each declaring 2^20 FP64 values (8 MiB each, 136 MiB together, over the
     * 64 MiB tensor budget) are refused for what they are, not for the room they asked for.
     */
    @Test
    void declaredShapesDoNotReserveMoreThanTheMessageCarries() {
        ReferenceModel iris = ReferenceModels.named("sklearn_rf_iris_zipmap");
        node.deploy(artifacts, "declared", 1, iris, null);
        ModelInferRequest.Builder raw = ModelInferRequest.newBuilder().setModelName("declared");
        ModelInferRequest.Builder typed = ModelInferRequest.newBuilder().setModelName("declared");
        for (int i = 0; i < 17; i++) {
            raw.addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("x" + i).setDatatype("FP64")
                    .addShape(1 << 20)).addRawInputContents(ByteString.copyFrom(new byte[8]));
            typed.addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("x" + i).setDatatype("FP64")
                    .addShape(1 << 20).setContents(InferTensorContents.newBuilder().addFp64Contents(1.0)));
        }
        assertThat(raw.build().getSerializedSize()).isLessThan(1000);
        assertStatus(() -> stub().modelInfer(raw.build()), Status.Code.INVALID_ARGUMENT, "unknown input 'x0'");
        assertStatus(() -> stub().modelInfer(typed.build()), Status.Code.INVALID_ARGUMENT, "unknown input 'x0'");
    }

    @Test
    void concurrentCallsShareRunsAndCountInTelemetry() throws Exception {
        ReferenceModel iris = ReferenceModels.named("sklearn_rf_iris_zipmap");
        node.deploy(artifacts, "merged", 1, iris, null);
        ModelInferRequest request = OipMessages.request("merged", "", iris.reference().path("inputs"), true);
        GRPCInferenceServiceFutureStub async = GRPCInferenceServiceGrpc.newFutureStub(channel);
        List<ListenableFuture<ModelInferResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            calls.add(async.modelInfer(request.toBuilder().setId("c" + i).build()));
        }
        for (int i = 0; i < calls.size(); i++) {
            assertThat(calls.get(i).get(60, TimeUnit.SECONDS).getId()).isEqualTo("c" + i);
        }
        JsonNode state = version("merged");
        assertThat(state.path("predictions").asLong()).isEqualTo(64);
        assertThat(state.path("runs").asLong()).as("merged runs: %s", state).isLessThan(64);
        JsonNode telemetry = TelemetryTest.version(TelemetryTest.telemetry(), "merged", 1).path("telemetry");
        assertThat(telemetry.path("requests").path("ok").asLong()).isEqualTo(64);
        assertThat(telemetry.path("rowsPerRequest").path("sum").asDouble()).isEqualTo(128.0);
    }

    @Test
    void aTakenGrpcPortFailsTheStartAndLeavesNoPortBound(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        int httpPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            httpPort = free.getLocalPort();
        }
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> TestNode.startLive(dir, java.util.Map.of("rtml.scoring.port", Integer.toString(httpPort),
                    "rtml.scoring.grpc-port", Integer.toString(taken.getLocalPort()))))
                    .hasMessageContaining("cannot listen for gRPC on port " + taken.getLocalPort());
        }
        try (java.net.ServerSocket again = new java.net.ServerSocket(httpPort, 50,
                java.net.InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).as("the HTTP port was released").isEqualTo(httpPort);
        }
    }

    private static JsonNode version(String service) {
        for (JsonNode s : node.client.admin("GET", "/admin/v1/state", null).body().path("services")) {
            if (s.path("service").asString().equals(service)) {
                return s.path("versions").get(0);
            }
        }
        throw new AssertionError("no service " + service);
    }

    private static void assertStatus(Runnable call, Status.Code code, String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(message);
        });
    }
}
