package io.rtml.scoring;

import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.util.concurrent.EventExecutor;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.rtml.scoring.http.ApiException;
import io.rtml.scoring.oip.OipGrpcService;
import io.rtml.scoring.runtime.Inference;
import io.rtml.scoring.runtime.OutputValue;
import io.rtml.scoring.runtime.Prediction;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Dynamic batching for gRPC, as {@link DynamicBatcher} does it for HTTP: the inferences one gRPC
 * event loop read in one iteration run after that iteration's I/O, those for the same version
 * merged into ONNX Runtime runs of up to {@code maxRows} rows; a version too slow for the event
 * loop runs on the node's {@link ModelExecutor}. Which predictions share a run is decided by
 * {@link DynamicBatcher#groups}, the node's one grouping rule; the rest is apart because a gRPC call
 * answers through its own stream and needs no per-connection reply order. There is no batching
 * window: a lone request runs right after the I/O of the iteration that read it. The service runs
 * on the gRPC event loops (direct executor), so one pending list per loop thread needs no locking.
 */
final class GrpcBatcher implements OipGrpcService.Runner {

    private final Inference inference;
    private final ModelExecutor executor;
    private final int maxRows;
    private final EventLoopGroup loops;
    private final ThreadLocal<Pending> pending = ThreadLocal.withInitial(this::pendingOfThisLoop);

    GrpcBatcher(Inference inference, ModelExecutor executor, int maxRows, EventLoopGroup loops) {
        this.inference = inference;
        this.executor = executor;
        this.maxRows = maxRows;
        this.loops = loops;
    }

    private record Entry(Prediction prediction, Consumer<Throwable> done) {}

    /** The pending list of the event loop this thread is; null on any other thread. */
    private Pending pendingOfThisLoop() {
        for (EventExecutor loop : loops) {
            if (loop.inEventLoop()) {
                return new Pending(loop);
            }
        }
        return null;
    }

    private final class Pending {
        final EventExecutor loop;
        List<Entry> entries = new ArrayList<>();

        Pending(EventExecutor loop) {
            this.loop = loop;
        }

        void flush() {
            List<Entry> batch = entries;
            entries = new ArrayList<>();
            runGroups(batch);
        }
    }

    @Override
    public void submit(Prediction prediction, Consumer<Throwable> done) {
        Pending p = pending.get();
        if (p == null) {
            runGroups(List.of(new Entry(prediction, done))); // not on a gRPC loop: nothing to merge with
            return;
        }
        if (p.entries.isEmpty()) {
            p.loop.execute(p::flush); // runs after this iteration's I/O, which may bring more
        }
        p.entries.add(new Entry(prediction, done));
    }

    private void runGroups(List<Entry> batch) {
        ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
        for (List<Entry> group : DynamicBatcher.groups(batch, Entry::prediction, maxRows)) {
            if (executor.inline(group.get(0).prediction().version())) {
                run(group, alloc);
            } else if (!executor.execute(() -> run(group, alloc))) {
                for (Entry e : group) {
                    e.prediction().version().telemetry().failed(503);
                    e.prediction().close();
                    e.done().accept(ApiException.unavailable("the node is busy: its queue for slow models is full ("
                            + executor.queued() + " runs waiting); retry later")
                            .withModelVersion(e.prediction().version().label()));
                }
            }
        }
    }

    /** Runs a group, merged when it can be, and tells each caller how it went. */
    private void run(List<Entry> group, ByteBufAllocator alloc) {
        if (group.size() > 1) {
            List<Prediction> predictions = new ArrayList<>(group.size());
            group.forEach(e -> predictions.add(e.prediction()));
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
                    answer(group.get(i), () -> prediction.reply(mine));
                }
                return;
            }
        }
        for (Entry e : group) {
            answer(e, () -> e.prediction().run(inference));
        }
    }

    private static void answer(Entry e, Runnable reply) {
        Throwable error = null;
        try {
            reply.run();
        } catch (RuntimeException | Error failure) {
            error = failure;
        }
        e.done().accept(error);
    }
}
