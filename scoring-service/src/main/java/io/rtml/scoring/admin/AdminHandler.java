package io.rtml.scoring.admin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.rtml.scoring.admin.AdminRequests.ServiceRequest;
import io.rtml.scoring.admin.AdminRequests.ShadowRequest;
import io.rtml.scoring.admin.AdminRequests.StageRequest;
import io.rtml.scoring.admin.AdminRequests.TrafficRequest;
import io.rtml.scoring.admin.AdminRequests.VersionRequest;
import io.rtml.scoring.admin.AdminResponses.StillStaging;
import io.rtml.scoring.http.ApiException;
import io.rtml.scoring.http.Reply;
import io.rtml.scoring.http.Routes;
import io.rtml.scoring.runtime.NodeIdentity;
import io.rtml.scoring.runtime.Services;
import io.rtml.scoring.telemetry.NodeTelemetry;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The admin API under {@code /admin/v1} (stage, activate, unload, remove, state), for the deployer only:
 * every call needs {@code Authorization: Bearer <node token>}. The token check and body parsing
 * happen on the event loop (cheap); the work runs on the admin executor, so a download or a
 * session creation never stalls predictions. An activation, and a stage of a version that is
 * already loaded (every stage of a rollback), are answered on the event loop: a pointer swap and a
 * map lookup under a lock that is only ever held for in-memory changes (the state file is written
 * in the background), and on a busy machine the two thread hops cost more than the work.
 */
public final class AdminHandler {

    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final byte[] token;
    private final NodeAdmin admin;
    private final StateView stateView;
    private final TelemetryView telemetryView;
    private final NodeTelemetry telemetry;
    private final ExecutorService executor;

    public AdminHandler(String token, NodeAdmin admin, Services services, NodeIdentity node,
            NodeTelemetry telemetry, ExecutorService executor) {
        this.token = token == null || token.isBlank() ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        this.admin = admin;
        this.stateView = new StateView(services, node);
        this.telemetryView = new TelemetryView(services, telemetry.enabled());
        this.telemetry = telemetry;
        this.executor = executor;
    }

    /**
     * {@code GET /metrics}, the Prometheus exposition: guarded by the node token like the admin API
     * (a scrape config sends it as {@code authorization: credentials}), since it names every
     * service and version and the prediction port may be public.
     */
    public CompletableFuture<Reply> metrics(HttpMethod method, List<String> path, String authorization,
            ByteBufAllocator alloc) {
        authorize(authorization);
        if (!path.isEmpty()) {
            throw Routes.noRoute();
        }
        Routes.require(method, HttpMethod.GET);
        return CompletableFuture.supplyAsync(() -> {
            ByteBuf buf = alloc.buffer();
            buf.writeCharSequence(telemetry.scrape(), StandardCharsets.UTF_8);
            return new Reply(HttpResponseStatus.OK, buf, null, 0, PROMETHEUS_TEXT);
        }, executor);
    }

    /** @param path the path segments after {@code admin} */
    public CompletableFuture<Reply> handle(HttpMethod method, List<String> path, String authorization, ByteBuf body,
            ByteBufAllocator alloc) {
        authorize(authorization);
        if (path.size() == 4 && path.get(0).equals("v1") && path.get(1).equals("services")) {
            return CompletableFuture.completedFuture(serviceCall(method, AdminRequests.service(path.get(2)),
                    path.get(3), body, alloc));
        }
        if (path.size() != 2 || !path.get(0).equals("v1")) {
            throw Routes.noRoute();
        }
        return switch (path.get(1)) {
            case "state" -> {
                Routes.require(method, HttpMethod.GET);
                yield run(alloc, stateView::state);
            }
            case "telemetry" -> {
                Routes.require(method, HttpMethod.GET);
                yield run(alloc, telemetryView::snapshot);
            }
            case "stage" -> {
                Routes.require(method, HttpMethod.POST);
                StageRequest r = parse(body, StageRequest.class).normalized();
                yield admin.stage(r).thenApply(answer -> reply(alloc, answer instanceof StillStaging
                        ? HttpResponseStatus.ACCEPTED : HttpResponseStatus.OK, answer));
            }
            case "activate" -> {
                Routes.require(method, HttpMethod.POST);
                VersionRequest r = parse(body, VersionRequest.class).validated();
                yield CompletableFuture.completedFuture(reply(alloc, HttpResponseStatus.OK, admin.activate(r)));
            }
            case "unload" -> {
                Routes.require(method, HttpMethod.POST);
                VersionRequest r = parse(body, VersionRequest.class).validated();
                yield run(alloc, () -> admin.unload(r));
            }
            case "remove" -> {
                Routes.require(method, HttpMethod.POST);
                ServiceRequest r = parse(body, ServiceRequest.class).validated();
                yield run(alloc, () -> admin.remove(r));
            }
            default -> throw Routes.noRoute();
        };
    }

    /**
     * {@code /admin/v1/services/{service}/traffic} and {@code …/shadow}: PUT sets, DELETE clears. Answered
     * on the event loop, as an activation is: a pointer write under the admin lock.
     */
    private Reply serviceCall(HttpMethod method, String service, String what, ByteBuf body, ByteBufAllocator alloc) {
        boolean put = method.equals(HttpMethod.PUT);
        if (!put) {
            Routes.require(method, HttpMethod.DELETE);
        }
        Object answer = switch (what) {
            case "traffic" -> put ? admin.split(service, parse(body, TrafficRequest.class).validated())
                    : admin.clearSplit(service);
            case "shadow" -> put ? admin.shadow(service, parse(body, ShadowRequest.class).validated())
                    : admin.clearShadow(service);
            default -> throw Routes.noRoute();
        };
        return reply(alloc, HttpResponseStatus.OK, answer);
    }

    private void authorize(String authorization) {
        byte[] given = authorization == null ? new byte[0] : authorization.getBytes(StandardCharsets.UTF_8);
        // MessageDigest.isEqual takes the same time wherever the bytes differ.
        if (token == null || !MessageDigest.isEqual(token, given)) {
            throw new ApiException(401, token == null ? "the admin API is disabled: no node token is configured"
                    : "missing or wrong node token");
        }
    }

    private static <T> T parse(ByteBuf body, Class<T> type) {
        if (!body.isReadable()) {
            throw ApiException.badRequest("the request body is empty");
        }
        try {
            // the casts pick the stream overloads: ByteBuf streams are also DataInput/DataOutput
            T value = JSON.readValue((InputStream) new ByteBufInputStream(body.duplicate()), type);
            if (value == null) {
                throw ApiException.badRequest("the request body must be a JSON object");
            }
            return value;
        } catch (JacksonException e) {
            throw ApiException.badRequest("malformed request body: " + e.getOriginalMessage());
        }
    }

    private CompletableFuture<Reply> run(ByteBufAllocator alloc, Supplier<Object> work) {
        return CompletableFuture.supplyAsync(() -> reply(alloc, HttpResponseStatus.OK, work.get()), executor);
    }

    private static Reply reply(ByteBufAllocator alloc, HttpResponseStatus status, Object result) {
        ByteBuf buf = alloc.buffer();
        try {
            JSON.writeValue((OutputStream) new ByteBufOutputStream(buf), result);
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
        return new Reply(status, buf, null);
    }
}
