package io.rtml.scoring.oip;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.rtml.scoring.http.Answer;
import io.rtml.scoring.http.ApiException;
import io.rtml.scoring.http.Json;
import io.rtml.scoring.http.Reply;
import io.rtml.scoring.http.Routes;
import io.rtml.scoring.runtime.Inference.Feed;
import io.rtml.scoring.runtime.LoadedVersion;
import io.rtml.scoring.runtime.NodeIdentity;
import io.rtml.scoring.runtime.Prediction;
import io.rtml.scoring.runtime.Route;
import io.rtml.scoring.runtime.ServiceSlot;
import io.rtml.scoring.runtime.Services;
import io.rtml.scoring.runtime.TensorBudget;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;

/** The Open Inference Protocol v2 endpoints under {@code /v2}. */
public final class OipHandler {

    /** The extension name Triton gives the binary tensor data of its HTTP/REST protocol. */
    static final String BINARY_EXTENSION = "binary_tensor_data";

    private final Services services;
    private final NodeIdentity node;
    private final long maxTensorBytes;

    /** @param maxTensorBytes what one request may decode into input tensors ({@link TensorBudget}) */
    public OipHandler(Services services, NodeIdentity node, long maxTensorBytes) {
        this.services = services;
        this.node = node;
        this.maxTensorBytes = maxTensorBytes;
    }

    /**
     * @param path the path segments after {@code v2}
     * @return a reply, or for {@code infer} a {@link Prediction} still to run
     */
    public Answer handle(HttpMethod method, List<String> path, ByteBuf body, ByteBufAllocator alloc) {
        return handle(method, path, body, alloc, Route.NONE);
    }

    /** @param route the request's version pin and route key, for a path that names no version */
    public Answer handle(HttpMethod method, List<String> path, ByteBuf body, ByteBufAllocator alloc, Route route) {
        return handle(method, path, body, alloc, route, null);
    }

    /**
     * @param jsonBytes the request's {@code Inference-Header-Content-Length} header: the body is that
     *     much JSON followed by binary tensor data (binary tensor extension); null for a JSON body
     */
    public Answer handle(HttpMethod method, List<String> path, ByteBuf body, ByteBufAllocator alloc, Route route,
            String jsonBytes) {
        int n = path.size();
        if (n == 0) {
            Routes.require(method, HttpMethod.GET);
            return Reply.ok(alloc, g -> {
                g.writeStartObject();
                g.writeStringProperty("name", "rtml-scoring");
                g.writeStringProperty("version", ServerVersion.VERSION);
                g.writeArrayPropertyStart("extensions");
                g.writeString(BINARY_EXTENSION);
                g.writeEndArray();
                g.writeObjectPropertyStart("node");
                g.writeStringProperty("name", node.name());
                g.writeStringProperty("kind", node.kind());
                g.writeStringProperty("region", node.region());
                g.writeEndObject();
                g.writeEndObject();
            });
        }
        if (path.get(0).equals("health") && n == 2) {
            Routes.require(method, HttpMethod.GET);
            return health(path.get(1), alloc);
        }
        if (!path.get(0).equals("models") || n < 2) {
            throw Routes.noRoute();
        }
        String service = path.get(1);
        Integer version = route.pinned() == null ? null : Routes.pinned(route.pinned());
        int rest = 2;
        if (n >= 4 && path.get(2).equals("versions")) {
            version = Routes.version(path.get(3));
            rest = 4;
        }
        String action = n == rest ? "" : n == rest + 1 ? path.get(rest) : null;
        if (action == null) {
            throw Routes.noRoute();
        }
        return switch (action) {
            case "" -> {
                Routes.require(method, HttpMethod.GET);
                yield withVersion(service, version, null, (slot, v) -> Reply.ok(alloc, g -> MetadataWriter.write(g, slot, v)));
            }
            case "ready" -> {
                Routes.require(method, HttpMethod.GET);
                yield withVersion(service, version, null, (slot, v) -> Reply.ok(alloc, g -> {
                    g.writeStartObject();
                    g.writeStringProperty("name", service);
                    g.writeStringProperty("version", v.label());
                    g.writeBooleanProperty("ready", true);
                    g.writeEndObject();
                }));
            }
            case "infer" -> {
                Routes.require(method, HttpMethod.POST);
                yield withVersion(service, version, route, (slot, v) -> infer(service, v, body, alloc, jsonBytes));
            }
            default -> throw Routes.noRoute();
        };
    }

    private Reply health(String what, ByteBufAllocator alloc) {
        boolean ok = switch (what) {
            case "live" -> true;
            case "ready" -> services.ready();
            default -> throw Routes.noRoute();
        };
        return Reply.json(alloc, ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, null, g -> {
            g.writeStartObject();
            g.writeBooleanProperty(what, ok);
            g.writeEndObject();
        });
    }

    /** Parses and checks the request; the returned prediction owns the version reference and the tensors. */
    private Prediction infer(String service, LoadedVersion v, ByteBuf body, ByteBufAllocator alloc, String jsonBytes) {
        InferRequest request;
        int bodyBytes = body.readableBytes(); // before the parser starts to consume the body
        if (jsonBytes == null) {
            try (JsonParser p = Json.parser(body)) {
                request = InferRequestReader.read(p, v.signature(), alloc, bodyBytes, new TensorBudget(maxTensorBytes));
            }
        } else {
            int json = jsonLength(jsonBytes, bodyBytes);
            ByteBuf binary = body.slice(body.readerIndex() + json, bodyBytes - json);
            try (JsonParser p = Json.parser(body.slice(body.readerIndex(), json))) {
                request = InferRequestReader.read(p, v.signature(), alloc, bodyBytes, new TensorBudget(maxTensorBytes),
                        binary);
            }
        }
        try {
            List<Feed> feeds = InferValidator.feeds(request, v.signature());
            List<String> outputs = InferValidator.outputs(request, v.signature());
            String id = request.id();
            if (request.anyBinary()) {
                return new Prediction(v, feeds, outputs,
                        values -> BinaryReplies.reply(alloc, service, v.label(), id, values, request::binary));
            }
            return new Prediction(v, feeds, outputs, values -> Reply.json(alloc, HttpResponseStatus.OK, v.label(),
                    g -> InferResponseWriter.write(g, service, v.label(), id, values)));
        } catch (RuntimeException e) {
            request.close();
            throw e;
        }
    }

    /** The {@code Inference-Header-Content-Length} header as a length within the body, or a 400. */
    private static int jsonLength(String header, int bodyBytes) {
        int json;
        try {
            json = Integer.parseInt(header.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("header Inference-Header-Content-Length must be a byte count, not '"
                    + header + "'");
        }
        if (json < 1 || json > bodyBytes) {
            throw ApiException.badRequest("header Inference-Header-Content-Length is " + json
                    + ", but the JSON header must be 1 to " + bodyBytes + " bytes (the body's length)");
        }
        return json;
    }

    /**
     * Runs {@code action} on the requested version, else (with a {@code route}) the one the
     * service's traffic split picks, else the active one, holding a reference meanwhile; a
     * {@link Prediction} it returns takes the reference over and drops it when it has run.
     */
    Answer withVersion(String service, Integer version, Route route, VersionAction action) {
        ServiceSlot slot = services.get(service);
        if (slot == null) {
            throw services.ready() ? ApiException.notFound("unknown service '" + service + "'")
                    : ApiException.unavailable("the node is still loading its services");
        }
        LoadedVersion v = version != null ? slot.acquire(version)
                : route != null ? slot.acquireRouted(route.key()) : slot.acquireActive();
        if (v == null) {
            throw version == null ? ApiException.unavailable("service '" + service + "' has no active version")
                    : ApiException.notFound("version " + version + " of service '" + service + "' is not loaded");
        }
        boolean handedOver = false;
        try {
            Answer answer = action.apply(slot, v);
            handedOver = answer instanceof Prediction;
            return answer;
        } catch (ApiException e) {
            v.telemetry().failed(e.status());
            throw e.withModelVersion(v.label());
        } catch (JacksonException e) {
            v.telemetry().failed(400);
            throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage()).withModelVersion(v.label());
        } finally {
            if (!handedOver) {
                v.release();
            }
        }
    }

    interface VersionAction {
        Answer apply(ServiceSlot slot, LoadedVersion v);
    }
}
