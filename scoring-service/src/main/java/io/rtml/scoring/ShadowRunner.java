package io.rtml.scoring;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.rtml.scoring.http.Answer;
import io.rtml.scoring.runtime.Inference;
import io.rtml.scoring.runtime.LoadedVersion;
import io.rtml.scoring.runtime.OutputValue;
import io.rtml.scoring.runtime.Prediction;
import io.rtml.scoring.runtime.Route;
import io.rtml.scoring.runtime.ServiceSlot;
import io.rtml.scoring.runtime.Services;
import io.rtml.scoring.telemetry.ShadowTelemetry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Shadow scoring: a sampled share of a service's predictions is scored again by the shadow
 * candidate once the reply is on its way, on a small executor of its own that drops work when it
 * is full. The served reply is never waited for, changed or delayed beyond copying a sampled
 * request's body; the candidate's outputs only feed its shadow telemetry (agreement per output,
 * failures, drops, latency).
 */
final class ShadowRunner implements AutoCloseable {

    /** One thread and a short queue: shadow work must never take the node's cores from live traffic. */
    static final int THREADS = 1;
    static final int QUEUE = 64;

    /** A sampled request: its body, copied before parsing consumed it (null for gRPC), and the shadow it is for. */
    record Sample(ServiceSlot.Shadow shadow, ShadowTelemetry telemetry, byte[] body) {}

    private final Services services;
    private final Inference inference;
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE), new DefaultThreadFactory("scoring-shadow", true));

    ShadowRunner(Services services, Inference inference) {
        this.services = services;
        this.inference = inference;
    }

    /** The request's sample when its service has a shadow and the draw picks it; else null (the usual case). */
    Sample sample(String service, ByteBuf body) {
        Sample drawn = draw(service);
        return drawn == null ? null : new Sample(drawn.shadow(), drawn.telemetry(), ByteBufUtil.getBytes(body));
    }

    /**
     * The draw alone, with no body: for a gRPC request, whose message is immutable and so is parsed
     * again as it is, with nothing to copy. Null when the service has no shadow or the draw skips it.
     */
    Sample draw(String service) {
        ServiceSlot slot = services.get(service);
        ServiceSlot.Shadow shadow = slot == null ? null : slot.shadow();
        if (shadow == null || ThreadLocalRandom.current().nextInt(100) >= shadow.percent()) {
            return null;
        }
        LoadedVersion candidate = slot.loaded(shadow.candidate());
        ShadowTelemetry telemetry = candidate == null ? null : candidate.telemetry().shadow();
        return telemetry == null ? null : new Sample(shadow, telemetry, null);
    }

    /**
     * Arranges the shadow run of a served prediction: once its outputs are in and its reply is
     * built, a task queued behind the event loop's writes hands the comparison to the executor.
     *
     * @param parse parses a copy of the body for a pinned version (the same handler as the request)
     */
    void attach(Sample sample, Prediction p, ChannelHandlerContext ctx, Function<Route, Answer> parse) {
        attach(sample, p, ctx.executor(), parse);
    }

    /**
     * As above, with {@code afterReply} the executor that runs the hand-off once the reply is
     * written: the event loop that writes it (HTTP, and gRPC's own loops), so the shadow's copy and
     * queueing never come before the served reply.
     */
    void attach(Sample sample, Prediction p, Executor afterReply, Function<Route, Answer> parse) {
        if (p.version().version() == sample.shadow().candidate()) {
            return;
        }
        p.onAnswered(values -> {
            try {
                afterReply.execute(() -> submit(sample, values, parse));
            } catch (RejectedExecutionException closing) {
                sample.telemetry().dropped(); // the event loop is shutting down: never fail the served reply
            }
        });
    }

    private void submit(Sample sample, List<OutputValue> served, Function<Route, Answer> parse) {
        try {
            pool.execute(() -> run(sample, served, parse));
        } catch (RejectedExecutionException full) {
            sample.telemetry().dropped();
        }
    }

    private void run(Sample sample, List<OutputValue> served, Function<Route, Answer> parse) {
        long start = System.nanoTime();
        List<OutputValue> candidate;
        try {
            Answer answer = parse.apply(new Route(Integer.toString(sample.shadow().candidate()), null));
            if (!(answer instanceof Prediction p)) {
                sample.telemetry().failed();
                return;
            }
            candidate = p.outputsOnly(inference);
        } catch (RuntimeException e) {
            sample.telemetry().failed();
            return;
        }
        long nanos = System.nanoTime() - start;
        Map<String, OutputValue> byName = new HashMap<>();
        candidate.forEach(v -> byName.put(v.name(), v));
        Map<String, Boolean> agreement = new HashMap<>();
        for (OutputValue v : served) {
            OutputValue other = byName.get(v.name());
            agreement.put(v.name(), other != null && v.agrees(other, sample.shadow().tolerance()));
        }
        sample.telemetry().compared(agreement, nanos);
    }

    static ByteBuf copy(byte[] body) {
        return Unpooled.wrappedBuffer(body);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
