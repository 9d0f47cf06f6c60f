package io.rtml.scoring;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.util.concurrent.EventExecutor;
import io.grpc.netty.shaded.io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What the HTTP listener's {@link RequestDeadlines} does, for gRPC calls: the bytes of request
 * messages still being received count against the node-wide cap the HTTP listeners use
 * ({@code max-unfinished-body-bytes}, the same counter), and a call whose request message is not
 * complete within {@code request-timeout} is ended with DEADLINE_EXCEEDED. A stream tracer sees
 * each piece of a message as gRPC's deframer takes it in (before the message is whole), which is
 * where the bytes are held; past the cap it throws RESOURCE_EXHAUSTED there, the path gRPC itself
 * takes for a message over {@code maxInboundMessageSize}, so the call ends with that status and the
 * connection stays up for the client's other calls.
 */
final class GrpcHeld extends ServerStreamTracer.Factory {

    /** The call's tracer, for the server's interceptor to hand it the call (for the timeout). */
    static final Context.Key<Stream> STREAM = Context.key("rtml-grpc-held");

    private final RequestDeadlines.Unfinished unfinished;
    private final long requestNanos;
    private final EventLoopGroup loops;

    GrpcHeld(RequestDeadlines.Unfinished unfinished, Duration requestTimeout, EventLoopGroup loops) {
        this.unfinished = unfinished;
        this.requestNanos = requestTimeout.toNanos();
        this.loops = loops;
    }

    @Override
    public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
        return new Stream(loopOfThisThread());
    }

    /** The event loop running this (the transport's, where a stream is created); null elsewhere. */
    private EventExecutor loopOfThisThread() {
        for (EventExecutor loop : loops) {
            if (loop.inEventLoop()) {
                return loop;
            }
        }
        return null;
    }

    /** One call's bytes held, and its request timer; all on the transport's event loop. */
    final class Stream extends ServerStreamTracer {
        private long held;
        private boolean complete;
        private ServerCall<?, ?> call;
        private final ScheduledFuture<?> timer;

        Stream(EventExecutor loop) {
            timer = loop == null ? null : loop.schedule(this::expire, requestNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public Context filterContext(Context context) {
            return context.withValue(STREAM, this);
        }

        /** Called by the server's interceptor, on the stream's event loop. */
        void call(ServerCall<?, ?> call) {
            this.call = call;
        }

        @Override
        public void inboundWireSize(long bytes) {
            held += bytes;
            if (unfinished.bytes().addAndGet(bytes) > unfinished.max()) {
                release();
                throw Status.RESOURCE_EXHAUSTED.withDescription("the node holds too many unfinished requests"
                        + " (rtml.scoring.max-unfinished-body-bytes); retry later").asRuntimeException();
            }
        }

        @Override
        public void inboundMessageRead(int seqNo, long optionalWireSize, long optionalUncompressedSize) {
            // A unary call has its one message: what it holds now is the request's, no longer unfinished.
            complete = true;
            release();
            if (timer != null) {
                timer.cancel(false);
            }
        }

        @Override
        public void streamClosed(Status status) {
            complete = true;
            release();
            if (timer != null) {
                timer.cancel(false);
            }
        }

        private void release() {
            if (held > 0) {
                unfinished.bytes().addAndGet(-held);
                held = 0;
            }
        }

        private void expire() {
            if (!complete && call != null) {
                complete = true;
                release();
                call.close(Status.DEADLINE_EXCEEDED.withDescription("the request was not complete within "
                        + "rtml.scoring.request-timeout-millis"), new Metadata());
            }
        }
    }
}
