package io.rtml.scoring;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpVersion;
import io.rtml.scoring.http.Answer;
import io.rtml.scoring.http.Reply;

/** A request's answer on its way back to its connection: where to write it and, once known, its reply. */
final class PendingReply {

    final ChannelHandlerContext ctx;
    final HttpVersion httpVersion;
    final boolean keepAlive;
    /** A finished reply, or a prediction still to run. */
    final Answer answer;
    /** The reply of a prediction once it ran (on the event loop, or on a model thread before it hands back). */
    Reply reply;
    /** True while its prediction runs on the model executor; read and written on the event loop only. */
    boolean running;

    PendingReply(ChannelHandlerContext ctx, HttpVersion httpVersion, boolean keepAlive, Answer answer) {
        this.ctx = ctx;
        this.httpVersion = httpVersion;
        this.keepAlive = keepAlive;
        this.answer = answer;
    }

    /** The reply to write: the finished one it came with, or its prediction's. */
    Reply toWrite() {
        return reply != null ? reply : (Reply) answer;
    }
}
