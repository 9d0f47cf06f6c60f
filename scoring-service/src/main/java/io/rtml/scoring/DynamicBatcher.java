package io.rtml.scoring;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpVersion;
import io.rtml.scoring.http.Answer;
import io.rtml.scoring.http.Reply;
import io.rtml.scoring.runtime.Inference;
import io.rtml.scoring.runtime.OutputValue;
import io.rtml.scoring.runtime.Prediction;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Dynamic batching on one event loop: the requests it reads in one iteration of its loop are
 * answered together by a task that runs after that iteration's I/O, and predictions for the same
 * version with compatible inputs share one ONNX Runtime run of up to {@code maxRows} rows.
 *
 * <p>Why: under many connections the per-call cost of ONNX Runtime (session run set-up, creating
 * the input tensors, and above all wrapping every output in Java objects through JNI) was as
 * large as the model's own work for small tabular models; one call for N requests pays it once.
 * With one connection an iteration reads one request, which then runs alone, as before, one task
 * hop later.
 *
 * <p>What it keeps: a request runs on the version it was read for (its reference is held from
 * parsing to reply, and only predictions for the same version object are merged); a merged run
 * that ONNX Runtime rejects, or whose outputs do not split into rows, is redone request by request
 * so each gets its own answer; replies are written in the order the requests were read, so a
 * pipelining client still gets its answers in order. A group of a version too slow for the event
 * loop runs on the {@link ModelExecutor} instead, merged the same way. Not thread-safe: one
 * instance per event loop.
 */
final class DynamicBatcher {

    private final Inference inference;
    private final ModelExecutor executor;
    private final int maxRows;
    private final ReplyOrder.Writer writer;
    private final BiFunction<ByteBufAllocator, Throwable, Reply> failure;
    private List<PendingReply> pending = new ArrayList<>();

    DynamicBatcher(Inference inference, ModelExecutor executor, int maxRows, ReplyOrder.Writer writer,
            BiFunction<ByteBufAllocator, Throwable, Reply> failure) {
        this.inference = inference;
        this.executor = executor;
        this.maxRows = maxRows;
        this.writer = writer;
        this.failure = failure;
    }

    /** Queues an answer (a finished reply too, to keep the order); the first one of an iteration schedules the flush. */
    void add(ChannelHandlerContext ctx, HttpVersion httpVersion, boolean keepAlive, Answer answer) {
        if (pending.isEmpty()) {
            // A task submitted from the event loop itself runs after the I/O of this iteration.
            ctx.channel().eventLoop().execute(this::flush);
        }
        pending.add(new PendingReply(ctx, httpVersion, keepAlive, answer));
    }

    private void flush() {
        List<PendingReply> batch = pending;
        pending = new ArrayList<>();
        ByteBufAllocator alloc = batch.get(0).ctx.alloc();
        try {
            for (List<PendingReply> group : groups(batch, DynamicBatcher::predictionOf, maxRows)) {
                if (executor.inline(((Prediction) group.get(0).answer).version())) {
                    run(group, alloc);
                } else {
                    executor.offload(group, g -> run(g, alloc), writer);
                }
            }
        } finally {
            // In arrival order, so that a connection's replies keep the order of its requests.
            for (PendingReply p : batch) {
                if (p.running) {
                    ReplyOrder.hold(p);
                    continue;
                }
                if (p.reply == null && p.answer instanceof Prediction prediction) {
                    prediction.version().telemetry().failed(500);
                    prediction.close(); // only after an unexpected failure above
                    p.reply = failure.apply(alloc, new IllegalStateException("the request was not run"));
                }
                ReplyOrder.deliver(p, writer);
            }
        }
    }

    /**
     * Predictions that can share a run, each group in arrival order, at most {@code maxRows} rows a
     * group (a larger prediction alone). {@code predictionOf} gives an item's prediction, or null for
     * an item that is not one (a finished reply, kept only for the order), which joins no group. The
     * one grouping rule of the node: the HTTP path and {@link GrpcBatcher} both use it.
     */
    static <T> List<List<T>> groups(List<T> batch, Function<T, Prediction> predictionOf, int maxRows) {
        List<List<T>> groups = new ArrayList<>();
        List<Prediction> firsts = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        for (T item : batch) {
            Prediction prediction = predictionOf.apply(item);
            if (prediction == null) {
                continue;
            }
            int g = 0;
            while (g < groups.size() && !(rows.get(g) + prediction.rows() <= maxRows
                    && firsts.get(g).canJoin(prediction))) {
                g++;
            }
            if (g == groups.size()) {
                groups.add(new ArrayList<>(4));
                firsts.add(prediction);
                rows.add(0);
            }
            groups.get(g).add(item);
            rows.set(g, rows.get(g) + Math.max(prediction.rows(), 1));
        }
        return groups;
    }

    private static Prediction predictionOf(PendingReply p) {
        return p.answer instanceof Prediction prediction ? prediction : null;
    }

    /** Runs a group, merged when it can be, and sets each one's reply; on the event loop or a model thread. */
    private void run(List<PendingReply> group, ByteBufAllocator alloc) {
        if (group.size() > 1) {
            List<Prediction> predictions = new ArrayList<>(group.size());
            group.forEach(p -> predictions.add((Prediction) p.answer));
            List<List<OutputValue>> outputs = inference.runMerged(predictions, alloc);
            if (outputs != null) {
                int rows = 0;
                for (Prediction p : predictions) {
                    rows += p.rows();
                }
                predictions.get(0).version().recordRun(group.size(), rows);
                for (int i = 0; i < group.size(); i++) {
                    List<OutputValue> mine = outputs.get(i);
                    Prediction prediction = predictions.get(i);
                    group.get(i).reply = guarded(alloc, () -> prediction.reply(mine));
                }
                return;
            }
        }
        for (PendingReply p : group) {
            Prediction prediction = (Prediction) p.answer;
            p.reply = guarded(alloc, () -> prediction.run(inference));
        }
    }

    private Reply guarded(ByteBufAllocator alloc, Supplier<Reply> reply) {
        try {
            return reply.get();
        } catch (RuntimeException e) {
            return failure.apply(alloc, e);
        }
    }
}
