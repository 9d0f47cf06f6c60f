package io.rtml.scoring.oip;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.rtml.scoring.http.ApiException;
import io.rtml.scoring.http.Reply;
import io.rtml.scoring.oip.grpc.GRPCInferenceServiceGrpc;
import io.rtml.scoring.oip.grpc.ModelInferRequest;
import io.rtml.scoring.oip.grpc.ModelInferResponse;
import io.rtml.scoring.oip.grpc.ModelMetadataRequest;
import io.rtml.scoring.oip.grpc.ModelMetadataResponse;
import io.rtml.scoring.oip.grpc.ModelReadyRequest;
import io.rtml.scoring.oip.grpc.ModelReadyResponse;
import io.rtml.scoring.oip.grpc.ServerLiveRequest;
import io.rtml.scoring.oip.grpc.ServerLiveResponse;
import io.rtml.scoring.oip.grpc.ServerMetadataRequest;
import io.rtml.scoring.oip.grpc.ServerMetadataResponse;
import io.rtml.scoring.oip.grpc.ServerReadyRequest;
import io.rtml.scoring.oip.grpc.ServerReadyResponse;
import io.rtml.scoring.runtime.Inference.Feed;
import io.rtml.scoring.runtime.LoadedVersion;
import io.rtml.scoring.runtime.Prediction;
import io.rtml.scoring.runtime.Route;
import io.rtml.scoring.runtime.Services;
import io.rtml.scoring.runtime.TensorBudget;
import io.rtml.scoring.runtime.TensorSpec;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Open Inference Protocol over gRPC ({@code inference.GRPCInferenceService}): the same
 * services, version choice (the request's {@code model_version}, else an {@code rtml-model-version}
 * pin, else the traffic split, sticky by {@code rtml-route-key}), validation, limits and telemetry
 * as {@code /v2} over HTTP, since both go through {@link OipHandler#withVersion} and
 * {@link InferValidator}. A parsed inference is handed to a {@link Runner}, which merges and runs
 * predictions as the HTTP path's batcher does. Errors become gRPC status codes with the message
 * the HTTP path would put in {@code {"error"}}.
 */
public final class OipGrpcService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    /** Runs a prediction (merged with others when it can be) and then calls {@code done}: null on success. */
    public interface Runner {
        void submit(Prediction prediction, Consumer<Throwable> done);
    }

    /**
     * Shadow scoring (the node's {@code ShadowRunner}): offered every inference that did not name a
     * version, as the HTTP path offers {@code /v2/models/{name}/infer}; it draws as for HTTP and, when
     * drawn, runs {@code parse} for the candidate (a route pinned to it) after the reply.
     */
    public interface Shadows {
        Shadows NONE = (service, served, parse) -> {};

        void offer(String service, Prediction served, Function<Route, Prediction> parse);
    }

    /**
     * What the transport knows of one call: the version pin and route key from its metadata, and,
     * once answered, the version that answered, which goes back as {@code rtml-model-version}
     * trailing metadata.
     */
    public static final class Call {
        final String pinned;
        final String routeKey;
        private volatile String answeredBy;

        public Call(String pinned, String routeKey) {
            this.pinned = pinned;
            this.routeKey = routeKey;
        }

        public String answeredBy() {
            return answeredBy;
        }
    }

    /** The current call's {@link Call}, set by the server's interceptor. */
    public static final Context.Key<Call> CALL = Context.key("rtml-call");

    private static final Logger log = LoggerFactory.getLogger(OipGrpcService.class);
    private static final Call NO_METADATA = new Call(null, null);
    /** A Prediction must end in a Reply; a gRPC one's answer is its protobuf message, kept by its writer. */
    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    private final OipHandler oip;
    private final Services services;
    private final long maxTensorBytes;
    private final Runner runner;
    private final Shadows shadows;

    public OipGrpcService(OipHandler oip, Services services, long maxTensorBytes, Runner runner, Shadows shadows) {
        this.oip = oip;
        this.services = services;
        this.maxTensorBytes = maxTensorBytes;
        this.runner = runner;
        this.shadows = shadows;
    }

    /** The service a request message names, for the API-key check before it is handled; null for server-wide calls. */
    public static String serviceOf(Object request) {
        if (request instanceof ModelInferRequest r) {
            return r.getModelName();
        }
        if (request instanceof ModelMetadataRequest r) {
            return r.getName();
        }
        if (request instanceof ModelReadyRequest r) {
            return r.getName();
        }
        return null;
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> out) {
        reply(out, ServerLiveResponse.newBuilder().setLive(true).build());
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> out) {
        reply(out, ServerReadyResponse.newBuilder().setReady(services.ready()).build());
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> out) {
        reply(out, ServerMetadataResponse.newBuilder().setName("rtml-scoring").setVersion(ServerVersion.VERSION)
                .addExtensions(OipHandler.BINARY_EXTENSION).build());
    }

    /** Ready: the version (or the one a request would get) is loaded; an unknown model or version is not ready. */
    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> out) {
        Call call = call();
        try {
            Integer version = version(request.getVersion(), null);
            boolean ready = true;
            try {
                oip.withVersion(request.getName(), version, null, (slot, v) -> {
                    call.answeredBy = v.label();
                    return null;
                });
            } catch (ApiException e) {
                if (e.status() != 404 && e.status() != 503) {
                    throw e;
                }
                ready = false;
            }
            reply(out, ModelReadyResponse.newBuilder().setReady(ready).build());
        } catch (RuntimeException e) {
            fail(out, call, e);
        }
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> out) {
        Call call = call();
        try {
            ModelMetadataResponse[] response = new ModelMetadataResponse[1];
            oip.withVersion(request.getName(), version(request.getVersion(), null), null, (slot, v) -> {
                ModelMetadataResponse.Builder b = ModelMetadataResponse.newBuilder().setName(slot.name())
                        .setPlatform(MetadataWriter.PLATFORM);
                slot.versions().forEach(loaded -> b.addVersions(loaded.label()));
                v.signature().inputs().forEach(s -> b.addInputs(tensor(s)));
                v.signature().outputs().forEach(s -> b.addOutputs(tensor(s)));
                response[0] = b.build();
                call.answeredBy = v.label();
                return null;
            });
            reply(out, response[0]);
        } catch (RuntimeException e) {
            fail(out, call, e);
        }
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
        long received = System.nanoTime();
        Call call = call();
        try {
            String service = request.getModelName();
            Integer version = version(request.getModelVersion(), call.pinned);
            Route route = new Route(call.pinned, call.routeKey);
            boolean raw = request.getRawInputContentsCount() > 0 || request.getInputsCount() == 0;
            Answer answer = new Answer(service, request.getId(), raw);
            Prediction prediction = (Prediction) oip.withVersion(service, version, route,
                    (slot, v) -> answer.prediction(v, request, maxTensorBytes));
            prediction.receivedAt(received);
            if (request.getModelVersion().isEmpty()) {
                shadows.offer(service, prediction, candidate -> (Prediction) oip.withVersion(service,
                        version("", candidate.pinned()), candidate,
                        (slot, v) -> new Answer(service, request.getId(), raw).prediction(v, request, maxTensorBytes)));
            }
            runner.submit(prediction, error -> {
                if (error == null) {
                    call.answeredBy = answer.version;
                    out.onNext(answer.response);
                    out.onCompleted();
                } else {
                    fail(out, call, error);
                }
            });
        } catch (RuntimeException e) {
            fail(out, call, e);
        }
    }

    /** The reply of one inference, built by the prediction's writer when its outputs are known. */
    private static final class Answer {
        final String service;
        final String id;
        final boolean raw;
        volatile String version;
        volatile ModelInferResponse response;

        Answer(String service, String id, boolean raw) {
            this.service = service;
            this.id = id.isEmpty() ? null : id;
            this.raw = raw;
        }

        Prediction prediction(LoadedVersion v, ModelInferRequest request, long maxTensorBytes) {
            version = v.label();
            InferRequest parsed = GrpcTensors.read(request, ALLOC, new TensorBudget(maxTensorBytes));
            try {
                List<Feed> feeds = InferValidator.feeds(parsed, v.signature());
                List<String> outputs = InferValidator.outputs(parsed, v.signature());
                return new Prediction(v, feeds, outputs, values -> {
                    response = GrpcTensors.response(service, v.label(), id, values, raw);
                    // The body stays empty: this reply only carries the status through Prediction.
                    return new Reply(HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER, v.label());
                });
            } catch (RuntimeException e) {
                parsed.close();
                throw e;
            }
        }
    }

    /** {@code model_version}, else the pin from the metadata, as a number; empty both: null (the server picks). */
    private static Integer version(String field, String pinned) {
        String text = !field.isEmpty() ? field : pinned;
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            int v = Integer.parseInt(text.trim());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // the message below
        }
        throw ApiException.badRequest((!field.isEmpty() ? "model_version" : "metadata rtml-model-version")
                + " must be a version number, not '" + text + "'");
    }

    private static ModelMetadataResponse.TensorMetadata tensor(TensorSpec spec) {
        ModelMetadataResponse.TensorMetadata.Builder t = ModelMetadataResponse.TensorMetadata.newBuilder()
                .setName(spec.name()).setDatatype(spec.datatype().name());
        for (long d : spec.shape()) {
            t.addShape(d);
        }
        return t.build();
    }

    private static Call call() {
        Call call = CALL.get();
        return call != null ? call : NO_METADATA;
    }

    private static <T> void reply(StreamObserver<T> out, T response) {
        out.onNext(response);
        out.onCompleted();
    }

    private static void fail(StreamObserver<?> out, Call call, Throwable error) {
        if (error instanceof ApiException api && api.modelVersion() != null && call != NO_METADATA) {
            call.answeredBy = api.modelVersion();
        }
        out.onError(status(error).asRuntimeException());
    }

    /** The gRPC status for what the HTTP path answers with that HTTP status, and its message. */
    static Status status(Throwable error) {
        if (error instanceof ApiException api) {
            Status code = switch (api.status()) {
                case 400, 422 -> Status.INVALID_ARGUMENT;
                case 401 -> Status.UNAUTHENTICATED;
                case 403 -> Status.PERMISSION_DENIED;
                case 404 -> Status.NOT_FOUND;
                case 405 -> Status.UNIMPLEMENTED;
                case 408 -> Status.DEADLINE_EXCEEDED;
                case 413 -> Status.RESOURCE_EXHAUSTED;
                case 503 -> Status.UNAVAILABLE;
                default -> Status.INTERNAL;
            };
            return code.withDescription(api.getMessage());
        }
        log.error("gRPC request failed", error);
        return Status.INTERNAL.withDescription("internal error: " + error.getMessage());
    }
}
