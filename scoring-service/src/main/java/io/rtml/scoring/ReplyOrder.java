package io.rtml.scoring;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import io.rtml.scoring.http.Reply;
import java.util.ArrayDeque;

/**
 * Keeps one connection's replies in the order its requests arrived while some of them run on the
 * {@link ModelExecutor}: a reply with nothing before it still running is written at once; one
 * behind a running request waits here until that request's reply is written. A connection gets
 * one only when it first sends a request to the executor, so connections that only use fast
 * models write as before, with one attribute lookup and no allocation. Event loop only.
 */
final class ReplyOrder {

    /** Writes a reply on its connection, the way the router does. */
    interface Writer {
        void write(ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive, Reply reply);
    }

    private static final AttributeKey<ReplyOrder> KEY = AttributeKey.valueOf(ReplyOrder.class, "replyOrder");

    private final ArrayDeque<PendingReply> waiting = new ArrayDeque<>();

    private ReplyOrder() {}

    /** Writes the reply now, unless an earlier request of its connection is still running. */
    static void deliver(PendingReply p, Writer writer) {
        ReplyOrder order = of(p.ctx.channel());
        if (order == null || order.waiting.isEmpty()) {
            writer.write(p.ctx, p.httpVersion, p.keepAlive, p.toWrite());
        } else {
            order.waiting.add(p);
        }
    }

    /** {@link #deliver(PendingReply, Writer)} for a finished reply, allocating only when it has to wait. */
    static void deliver(ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive, Reply reply, Writer writer) {
        ReplyOrder order = of(ctx.channel());
        if (order == null || order.waiting.isEmpty()) {
            writer.write(ctx, version, keepAlive, reply);
        } else {
            order.waiting.add(new PendingReply(ctx, version, keepAlive, reply));
        }
    }

    /** Keeps the place of a request that now runs on the executor: the replies after it wait for it. */
    static void hold(PendingReply p) {
        Channel channel = p.ctx.channel();
        ReplyOrder order = channel.attr(KEY).get();
        if (order == null) {
            order = new ReplyOrder();
            channel.attr(KEY).set(order);
        }
        order.waiting.add(p);
    }

    /** Its request has run (its reply is set): writes every reply at the head that is now ready. */
    static void finished(PendingReply p, Writer writer) {
        p.running = false;
        ArrayDeque<PendingReply> waiting = of(p.ctx.channel()).waiting;
        while (!waiting.isEmpty() && !waiting.peek().running) {
            PendingReply head = waiting.poll();
            writer.write(head.ctx, head.httpVersion, head.keepAlive, head.toWrite());
        }
    }

    private static ReplyOrder of(Channel channel) {
        return channel.hasAttr(KEY) ? channel.attr(KEY).get() : null;
    }
}
