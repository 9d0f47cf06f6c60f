package io.rtml.scoring;

import io.netty.channel.EventLoop;
import io.rtml.scoring.http.Reply;
import io.rtml.scoring.runtime.LoadedVersion;
import io.rtml.scoring.runtime.Prediction;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Where slow models run: one bounded pool per node. Why: an event loop serves many connections and
 * services, and a model that takes tens of milliseconds would hold all of them up while it runs.
 * A version runs inline, on the event loop with no hop, when its warm-up run of one row took at
 * most the inline threshold; otherwise its predictions (merged as on the loop) run here and their
 * replies go back to the loop, which writes them in order per connection ({@link ReplyOrder}).
 * When the queue is full a request is answered 503 with {@code Retry-After} at once: a queue
 * nobody sees would only turn overload into timeouts.
 */
final class ModelExecutor implements AutoCloseable {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ModelExecutor.class);

    static final int RETRY_AFTER_SECONDS = 1;

    private final ThreadPoolExecutor pool;
    private final long inlineMaxNanos;

    ModelExecutor(int threads, int queueCapacity, int inlineMaxMicros, String threadPrefix) {
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueCapacity), r -> {
                    Thread t = new Thread(r, threadPrefix + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.inlineMaxNanos = TimeUnit.MICROSECONDS.toNanos(inlineMaxMicros);
    }

    /** Whether the version is fast enough to run on the event loop; unmeasured versions are not. */
    boolean inline(LoadedVersion version) {
        return version.warmupNanos() <= inlineMaxNanos;
    }

    /**
     * Runs the predictions of {@code group} (one version) on a model thread with {@code run}, which
     * sets each one's reply; back on the event loop each reply is written in its connection's order.
     * Returns false when the queue is full: then nothing runs, and each has its 503 reply instead.
     * The caller then {@link ReplyOrder#hold holds} the places of the taken ones, in arrival order.
     */
    boolean offload(List<PendingReply> group, Consumer<List<PendingReply>> run, ReplyOrder.Writer writer) {
        EventLoop loop = group.get(0).ctx.channel().eventLoop();
        group.forEach(p -> p.running = true);
        try {
            pool.execute(() -> {
                try {
                    run.accept(group);
                } catch (Throwable e) {
                    // An Error (out of direct memory, say) must still answer every request of the
                    // group: a missing reply would hold up every later reply on its connection.
                    answerFailed(group, e);
                } finally {
                    try {
                        loop.execute(() -> group.forEach(p -> ReplyOrder.finished(p, writer)));
                    } catch (RejectedExecutionException stopping) {
                        // the node is stopping: its connections are closed, nobody waits for the replies
                        for (PendingReply p : group) {
                            if (p.reply != null) {
                                p.reply.body().release();
                            }
                        }
                    }
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            for (PendingReply p : group) {
                Prediction prediction = (Prediction) p.answer;
                prediction.version().telemetry().failed(503);
                prediction.close();
                p.running = false;
                p.reply = Reply.busy(p.ctx.alloc(), "the node is busy: its queue for slow models is full ("
                        + pool.getQueue().size() + " runs waiting); retry later", prediction.version().label(),
                        RETRY_AFTER_SECONDS);
            }
            return false;
        }
    }

    /**
     * Runs {@code task} on a model thread; false when the queue is full (the task does not run).
     * For callers that answer on their own (the gRPC batcher), not through {@link ReplyOrder}.
     */
    boolean execute(Runnable task) {
        try {
            pool.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    int queued() {
        return pool.getQueue().size();
    }

    private static void answerFailed(List<PendingReply> group, Throwable e) {
        log.error("a run on the model executor failed: {}", e.toString(), e);
        for (PendingReply p : group) {
            if (p.reply == null && p.answer instanceof Prediction prediction) {
                prediction.version().telemetry().failed(500);
                prediction.close();
                p.reply = Reply.error(p.ctx.alloc(), 500, "the request was not run: " + e.getClass().getSimpleName(),
                        prediction.version().label());
            }
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
