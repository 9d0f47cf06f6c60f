package io.rtml.scoring;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.FastThreadLocal;
import io.rtml.scoring.admin.AdminHandler;
import io.rtml.scoring.http.Answer;
import io.rtml.scoring.http.ApiException;
import io.rtml.scoring.http.Reply;
import io.rtml.scoring.oip.OipHandler;
import io.rtml.scoring.records.RecordsHandler;
import io.rtml.scoring.runtime.Inference;
import io.rtml.scoring.runtime.Prediction;
import io.rtml.scoring.runtime.Route;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/**
 * Sends each request to its feature handler by the first path segment and writes the reply.
 * Predictions of fast versions are answered on the event loop (CPU-bound work, no thread hop),
 * those of slow versions on the {@link ModelExecutor}; either way merged per loop iteration by a
 * {@link DynamicBatcher} unless batching is off; admin calls finish on the admin executor. Every
 * failure becomes {@code {"error": "..."}} and the connection lives on.
 */
@ChannelHandler.Sharable
final class RequestRouter extends SimpleChannelInboundHandler<FullHttpRequest> {

    static final String VERSION_HEADER = "Rtml-Model-Version";
    static final String ROUTE_KEY_HEADER = "Rtml-Route-Key";
    /** The binary tensor extension: the length of the JSON that starts a body with binary tensors after it. */
    static final io.netty.util.AsciiString INFERENCE_HEADER_LENGTH =
            io.netty.util.AsciiString.cached("Inference-Header-Content-Length");
    private static final Logger log = LoggerFactory.getLogger(RequestRouter.class);

    private final OipHandler oip;
    private final RecordsHandler records;
    private final AdminHandler admin;
    private final ServiceKeys keys;
    private final Inference inference;
    private final ModelExecutor executor;
    private final ShadowRunner shadows;
    /** One batcher per event loop; null when batching is off ({@code max-batch-rows} 1). */
    private final FastThreadLocal<DynamicBatcher> batchers;

    /**
     * @param admin null where this port serves no admin API (the prediction port, when the admin
     *     API has its own)
     */
    RequestRouter(OipHandler oip, RecordsHandler records, AdminHandler admin, ServiceKeys keys, Inference inference,
            ModelExecutor executor, ShadowRunner shadows, int maxBatchRows) {
        this.shadows = shadows;
        this.oip = oip;
        this.records = records;
        this.admin = admin;
        this.keys = keys == null ? ServiceKeys.parse(null) : keys;
        this.inference = inference;
        this.executor = executor;
        this.batchers = maxBatchRows <= 1 ? null : new FastThreadLocal<>() {
            @Override
            protected DynamicBatcher initialValue() {
                return new DynamicBatcher(inference, executor, maxBatchRows, RequestRouter::write,
                        RequestRouter::failure);
            }
        };
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        long received = System.nanoTime();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        HttpVersion version = req.protocolVersion();
        ByteBufAllocator alloc = ctx.alloc();
        if (!req.decoderResult().isSuccess()) {
            write(ctx, version, false, Reply.error(alloc, 400, "malformed HTTP request", null));
            return;
        }
        try {
            List<String> path = RequestPath.segments(req.uri());
            String first = path.isEmpty() ? "" : path.get(0);
            List<String> rest = path.isEmpty() ? path : path.subList(1, path.size());
            String service = predictionService(first, rest);
            if (service != null && !keys.allows(service, presentedKey(req))) {
                answer(ctx, version, keepAlive, Reply.error(alloc, 401, "service '" + service
                        + "' needs an API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'", null));
                return;
            }
            boolean adminOnly = first.equals("admin") || first.equals("metrics");
            switch (adminOnly && admin == null ? "" : first) {
                // A v2 path that names its version is never sampled: the shadow run re-parses for the candidate.
                case "v2" -> predict(ctx, req, version, keepAlive, rest, rest.size() == 3 ? service : null, received,
                        oip::handle);
                case "v1" -> predict(ctx, req, version, keepAlive, rest, service, received,
                        (method, p, body, a, route, jsonBytes) -> records.handle(method, p, body, a, route));
                case "admin" -> admin.handle(req.method(), rest, req.headers().get(HttpHeaderNames.AUTHORIZATION),
                                req.content(), alloc)
                        .whenComplete((reply, error) -> write(ctx, version, keepAlive,
                                error == null ? reply : failure(alloc, error)));
                case "metrics" -> admin.metrics(req.method(), rest, req.headers().get(HttpHeaderNames.AUTHORIZATION),
                                alloc)
                        .whenComplete((reply, error) -> write(ctx, version, keepAlive,
                                error == null ? reply : failure(alloc, error)));
                default -> answer(ctx, version, keepAlive, Reply.error(alloc, 404, "no such endpoint", null));
            }
        } catch (RuntimeException e) {
            answer(ctx, version, keepAlive, failure(alloc, e));
        }
    }

    /**
     * With batching, every answer goes through the event loop's batcher (finished replies too, so
     * that a pipelining client gets its responses in order); without, a prediction runs at once,
     * here or, for a slow version, on the model executor. Either way a reply waits for the replies
     * to the connection's earlier requests that still run on the executor.
     */
    private void answer(ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive, Answer answer) {
        if (batchers != null) {
            batchers.get().add(ctx, version, keepAlive, answer);
        } else if (answer instanceof Prediction prediction && !executor.inline(prediction.version())) {
            PendingReply p = new PendingReply(ctx, version, keepAlive, prediction);
            if (executor.offload(List.of(p), g -> p.reply = runAlone(ctx.alloc(), prediction), RequestRouter::write)) {
                ReplyOrder.hold(p);
            } else {
                ReplyOrder.deliver(p, RequestRouter::write);
            }
        } else {
            Reply reply = answer instanceof Prediction prediction ? runAlone(ctx.alloc(), prediction) : (Reply) answer;
            ReplyOrder.deliver(ctx, version, keepAlive, reply, RequestRouter::write);
        }
    }

    private Reply runAlone(ByteBufAllocator alloc, Prediction prediction) {
        try {
            return prediction.run(inference);
        } catch (RuntimeException e) {
            return failure(alloc, e);
        }
    }

    /**
     * A prediction handler: parses a body for the version its route picks. {@code jsonBytes} is the
     * request's {@code Inference-Header-Content-Length} header (binary tensor extension), else null.
     */
    private interface Handler {
        Answer handle(HttpMethod method, List<String> path, ByteBuf body, ByteBufAllocator alloc, Route route,
                String jsonBytes);
    }

    /** @param shadowed the service when the request may be sampled for its shadow, else null */
    private void predict(ChannelHandlerContext ctx, FullHttpRequest req, HttpVersion version, boolean keepAlive,
            List<String> rest, String shadowed, long received, Handler handler) {
        ShadowRunner.Sample sample = shadowed == null ? null : shadows.sample(shadowed, req.content());
        String jsonBytes = req.headers().get(INFERENCE_HEADER_LENGTH);
        Answer answer = handler.handle(req.method(), rest, req.content(), ctx.alloc(), route(req), jsonBytes);
        if (answer instanceof Prediction prediction) {
            prediction.receivedAt(received);
            if (sample != null) {
                shadows.attach(sample, prediction, ctx, r -> handler.handle(HttpMethod.POST, rest,
                        ShadowRunner.copy(sample.body()), ctx.alloc(), r, jsonBytes));
            }
        }
        answer(ctx, version, keepAlive, answer);
    }

    private static Route route(FullHttpRequest req) {
        String pinned = req.headers().get(VERSION_HEADER);
        String key = req.headers().get(ROUTE_KEY_HEADER);
        return pinned == null && key == null ? Route.NONE : new Route(pinned, key);
    }

    /** The service a prediction-API path names ({@code /v2/models/{s}/…}, {@code /v1/services/{s}/…}), else null. */
    private static String predictionService(String first, List<String> rest) {
        if (rest.size() < 2) {
            return null;
        }
        boolean oipModel = first.equals("v2") && rest.get(0).equals("models");
        boolean records = first.equals("v1") && rest.get(0).equals("services");
        return oipModel || records ? rest.get(1) : null;
    }

    private static String presentedKey(FullHttpRequest req) {
        String apiKey = req.headers().get("X-API-Key");
        if (apiKey != null) {
            return apiKey.trim();
        }
        String authorization = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : null;
    }

    private static Reply failure(ByteBufAllocator alloc, Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof ApiException api) {
            log.debug("request failed status={}: {}", api.status(), api.getMessage());
            return Reply.error(alloc, api.status(), api.getMessage(), api.modelVersion());
        }
        if (e instanceof JacksonException json) {
            return Reply.error(alloc, 400, "malformed JSON: " + json.getOriginalMessage(), null);
        }
        log.error("request failed", e);
        return Reply.error(alloc, 500, "internal error: " + e.getMessage(), null);
    }

    private static void write(ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive, Reply reply) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, reply.status(), reply.body());
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, reply.contentType() == Reply.JSON
                        ? HttpHeaderValues.APPLICATION_JSON : reply.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().readableBytes());
        if (reply.modelVersion() != null) {
            response.headers().set(VERSION_HEADER, reply.modelVersion());
        }
        if (reply.retryAfterSeconds() > 0) {
            response.headers().setInt(HttpHeaderNames.RETRY_AFTER, reply.retryAfterSeconds());
        }
        if (reply.jsonHeaderBytes() > 0) {
            response.headers().setInt(INFERENCE_HEADER_LENGTH, reply.jsonHeaderBytes());
        }
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            if (version.equals(HttpVersion.HTTP_1_0)) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.writeAndFlush(response, ctx.voidPromise());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("connection {} closed after error: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
