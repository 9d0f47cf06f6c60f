package io.rtml.scoring;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stops a client that starts a request and does not finish it from holding the node's memory and
 * connections: a request that goes quiet for the read-idle timeout, or is not complete within the
 * request timeout from its first byte, gets 408 and the connection is closed; a body chunk that
 * would take the bytes held by all unfinished requests of the node over their cap gets 503 and a
 * close. Sits between the HTTP decoder and the aggregator (which holds those bytes). A connection
 * with no request under way is left open however long it is quiet (keep-alive).
 *
 * <p>One timer per connection that re-arms itself, so a request costs a clock read and no
 * scheduling; a body that arrives whole with its headers (the usual small prediction) is never
 * counted against the cap.
 */
final class RequestDeadlines extends ChannelInboundHandlerAdapter {

    /**
     * The bytes held by unfinished request bodies across the node, and their cap; a request counts
     * for at most {@code maxBody} (the aggregator drops the rest of a larger one after its 413).
     */
    record Unfinished(AtomicLong bytes, long max, int maxBody) {}

    private final long idleNanos;
    private final long requestNanos;
    private final Unfinished unfinished;
    private boolean inRequest;     // headers read, body not complete
    private boolean partialHeader; // bytes read that have not made a request yet
    private boolean decoded;       // a message came out of the current read
    /** How long a refusal may take to reach a client before the connection is closed regardless. */
    private static final int FORCED_CLOSE_SECONDS = 2;

    private boolean refused;       // answered 408/503; the rest is dropped until the close
    private long requestStart;
    private long lastRead;
    private long held;             // this request's share of unfinished.bytes
    private ScheduledFuture<?> timer;

    RequestDeadlines(Duration readIdle, Duration request, Unfinished unfinished) {
        this.idleNanos = readIdle.toNanos();
        this.requestNanos = request.toNanos();
        this.unfinished = unfinished;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        lastRead = System.nanoTime();
        arm(ctx, Math.min(idleNanos, requestNanos));
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        decoded = true;
        if (msg instanceof HttpRequest) {
            if (!partialHeader) {
                requestStart = System.nanoTime();
            }
            partialHeader = false;
            inRequest = true;
        }
        if (msg instanceof LastHttpContent) {
            inRequest = false;
            release();
        } else if (msg instanceof HttpContent content && held(content.content().readableBytes())) {
            content.release();
            refuse(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "the node holds too many unfinished request "
                    + "bodies (rtml.scoring.max-unfinished-body-bytes); retry later");
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** Counts a body chunk of an unfinished request; false when it takes the node over the cap. */
    private boolean held(int bytes) {
        long counted = Math.min(bytes, unfinished.maxBody() - held);
        if (counted <= 0) {
            return false;
        }
        held += counted;
        return unfinished.bytes().addAndGet(counted) > unfinished.max();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        lastRead = System.nanoTime();
        if (!decoded && !inRequest && !partialHeader) {
            partialHeader = true; // bytes came and made no message: the start of a request's headers
            requestStart = lastRead;
        }
        decoded = false;
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
        release();
        ctx.fireChannelInactive();
    }

    private void release() {
        if (held > 0) {
            unfinished.bytes().addAndGet(-held);
            held = 0;
        }
    }

    private void arm(ChannelHandlerContext ctx, long delayNanos) {
        timer = ctx.executor().schedule(() -> check(ctx), delayNanos, TimeUnit.NANOSECONDS);
    }

    private void check(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive() || refused) {
            return;
        }
        if (!inRequest && !partialHeader) {
            arm(ctx, Math.min(idleNanos, requestNanos));
            return;
        }
        long now = System.nanoTime();
        long quiet = now - lastRead;
        long running = now - requestStart;
        if (quiet >= idleNanos) {
            refuse(ctx, HttpResponseStatus.REQUEST_TIMEOUT, "the request sent nothing for "
                    + TimeUnit.NANOSECONDS.toMillis(idleNanos) + " ms (rtml.scoring.read-idle-timeout-millis)");
        } else if (running >= requestNanos) {
            refuse(ctx, HttpResponseStatus.REQUEST_TIMEOUT, "the request was not complete within "
                    + TimeUnit.NANOSECONDS.toMillis(requestNanos) + " ms (rtml.scoring.request-timeout-millis)");
        } else {
            arm(ctx, Math.min(idleNanos - quiet, requestNanos - running));
        }
    }

    /** Answers in the node's error form and closes: the rest of the request will not be read. */
    private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String message) {
        refused = true;
        release();
        byte[] body = ("{\"error\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        // A client that does not read would keep the write, and so the connection, pending forever.
        ctx.executor().schedule(() -> {
            ctx.close();
        }, FORCED_CLOSE_SECONDS, TimeUnit.SECONDS);
    }
}
