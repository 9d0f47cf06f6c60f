package io.rtml.scoring.records;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.rtml.scoring.http.ApiException;
import io.rtml.scoring.http.Json;
import io.rtml.scoring.http.Reply;
import io.rtml.scoring.http.Routes;
import io.rtml.scoring.runtime.Inference.Feed;
import io.rtml.scoring.runtime.LoadedVersion;
import io.rtml.scoring.runtime.Prediction;
import io.rtml.scoring.runtime.Route;
import io.rtml.scoring.runtime.ServiceSlot;
import io.rtml.scoring.runtime.Services;
import io.rtml.scoring.runtime.Signature;
import io.rtml.scoring.runtime.TensorBudget;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;

/** {@code POST /v1/services/{service}/predict}: named fields in, one prediction per record out. */
public final class RecordsHandler {

    private final Services services;
    /** Layouts by signature, computed once per loaded version; weak so unloaded versions drop out. */
    private final Map<Signature, RecordsLayout> layouts = Collections.synchronizedMap(new WeakHashMap<>());

    private final long maxTensorBytes;

    /** @param maxTensorBytes what one request may decode into input tensors ({@link TensorBudget}) */
    public RecordsHandler(Services services, long maxTensorBytes) {
        this.services = services;
        this.maxTensorBytes = maxTensorBytes;
    }

    /**
     * @param path the path segments after {@code v1}
     * @return the parsed prediction, still to run; it holds a reference on the active version
     */
    public Prediction handle(HttpMethod method, List<String> path, ByteBuf body, ByteBufAllocator alloc) {
        return handle(method, path, body, alloc, Route.NONE);
    }

    /** @param route the request's version pin and route key */
    public Prediction handle(HttpMethod method, List<String> path, ByteBuf body, ByteBufAllocator alloc, Route route) {
        if (path.size() != 3 || !path.get(0).equals("services") || !path.get(2).equals("predict")) {
            throw Routes.noRoute();
        }
        Routes.require(method, HttpMethod.POST);
        String service = path.get(1);
        ServiceSlot slot = services.get(service);
        if (slot == null) {
            throw services.ready() ? ApiException.notFound("unknown service '" + service + "'")
                    : ApiException.unavailable("the node is still loading its services");
        }
        Integer pinned = route.pinned() == null ? null : Routes.pinned(route.pinned());
        LoadedVersion v = pinned != null ? slot.acquire(pinned) : slot.acquireRouted(route.key());
        if (v == null) {
            throw pinned != null
                    ? ApiException.notFound("version " + pinned + " of service '" + service + "' is not loaded")
                    : ApiException.unavailable("service '" + service + "' has no active version");
        }
        boolean handedOver = false; // the prediction drops the reference once it has run
        try {
            Prediction prediction = predict(service, v, body, alloc);
            handedOver = true;
            return prediction;
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

    private Prediction predict(String service, LoadedVersion v, ByteBuf body, ByteBufAllocator alloc) {
        RecordsLayout layout = layouts.computeIfAbsent(v.signature(), RecordsLayout::of);
        if (layout.unsupported != null) {
            throw ApiException.badRequest("the records API cannot feed this model: " + layout.unsupported);
        }
        List<Feed> feeds;
        try (JsonParser p = Json.parser(body)) {
            feeds = RecordsReader.read(p, layout, alloc, new TensorBudget(maxTensorBytes));
        }
        int records = (int) feeds.get(0).shape()[0];
        return new Prediction(v, feeds, null, values -> Reply.json(alloc, HttpResponseStatus.OK, v.label(),
                g -> PredictionsWriter.write(g, service, v.label(), records, values)));
    }
}
