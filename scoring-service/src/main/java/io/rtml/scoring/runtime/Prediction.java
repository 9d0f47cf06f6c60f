package io.rtml.scoring.runtime;

import io.rtml.scoring.http.Answer;
import io.rtml.scoring.http.ApiException;
import io.rtml.scoring.http.Reply;
import io.rtml.scoring.runtime.Inference.Feed;
import io.rtml.scoring.telemetry.VersionTelemetry;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A prediction request, parsed and validated, waiting to run: the version it was read for (a
 * reference is held until {@link #close()}, so it finishes on that version whatever is activated
 * meanwhile), its input tensors in the model's input order, the outputs to fetch, and how to turn
 * the outputs into its reply. Running is kept apart from parsing so that the event loop can merge
 * the predictions it read in one iteration into one ONNX Runtime run ({@link Inference#runMerged}).
 */
public final class Prediction implements Answer, AutoCloseable {

    private final LoadedVersion version;
    private final List<Feed> feeds;
    private final List<String> outputs;
    private final Function<List<OutputValue>, Reply> writer;
    private final int rows;
    /** When the request was read ({@link System#nanoTime()}); the router sets it, else parsing's end. */
    private long receivedNanos = System.nanoTime();
    private Consumer<List<OutputValue>> answered;
    private boolean closed;

    /**
     * @param feeds one per model input, in the signature's order
     * @param outputs output names to return, in order; null for all
     * @param writer the reply for this request's outputs
     */
    public Prediction(LoadedVersion version, List<Feed> feeds, List<String> outputs,
            Function<List<OutputValue>, Reply> writer) {
        this.version = version;
        this.feeds = feeds;
        this.outputs = outputs;
        this.writer = writer;
        this.rows = commonRows(feeds);
    }

    public LoadedVersion version() {
        return version;
    }

    /** Counts latency from {@code nanos} (the request read) rather than from the end of parsing. */
    public void receivedAt(long nanos) {
        this.receivedNanos = nanos;
    }

    List<Feed> feeds() {
        return feeds;
    }

    List<String> outputs() {
        return outputs;
    }

    /** Rows this request brings to a merged run: the first dimension every input shares; -1 if they differ. */
    public int rows() {
        return rows;
    }

    /**
     * Whether the two can share one run: the same version object (not merely the same number),
     * a version whose rows are independent, the same outputs, and inputs that differ only in their
     * first dimension.
     */
    public boolean canJoin(Prediction other) {
        if (other.version != version || !version.batchable() || rows < 1 || other.rows < 1
                || !Objects.equals(outputs, other.outputs) || feeds.size() != other.feeds.size()) {
            return false;
        }
        for (int i = 0; i < feeds.size(); i++) {
            long[] a = feeds.get(i).shape();
            long[] b = other.feeds.get(i).shape();
            if (a.length != b.length || feeds.get(i).tensor().type() != other.feeds.get(i).tensor().type()) {
                return false;
            }
            for (int d = 1; d < a.length; d++) {
                if (a[d] != b[d]) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Runs this prediction on its own and closes it. */
    public Reply run(Inference inference) {
        List<OutputValue> values;
        try {
            values = inference.run(version, feeds, outputs);
            version.recordRun(1, Math.max(rows, 1));
        } catch (ApiException e) {
            version.telemetry().failed(e.status());
            close();
            throw e.withModelVersion(version.label());
        } catch (RuntimeException | Error e) {
            version.telemetry().failed(500);
            close();
            throw e;
        }
        return reply(values);
    }

    /** Runs this prediction for its outputs alone (a shadow run: no reply, no telemetry) and closes it. */
    public List<OutputValue> outputsOnly(Inference inference) {
        try {
            return inference.run(version, feeds, outputs);
        } finally {
            close();
        }
    }

    /** Called with this request's outputs once its reply is built (a sampled request's shadow run). */
    public void onAnswered(Consumer<List<OutputValue>> answered) {
        this.answered = answered;
    }

    /** The reply for outputs computed for this request (alone or as its rows of a merged run); closes it. */
    public Reply reply(List<OutputValue> values) {
        try {
            Reply reply = writer.apply(values);
            VersionTelemetry telemetry = version.telemetry();
            if (telemetry != VersionTelemetry.OFF) {
                try {
                    telemetry.answered(System.nanoTime() - receivedNanos, Math.max(rows, 1));
                    PrimaryOutput.each(values, telemetry.outputs());
                } catch (RuntimeException | Error e) {
                    reply.body().release();
                    throw e;
                }
            }
            if (answered != null) {
                answered.accept(values);
            }
            return reply;
        } catch (ApiException e) {
            version.telemetry().failed(e.status());
            throw e.withModelVersion(version.label());
        } catch (RuntimeException | Error e) {
            version.telemetry().failed(500);
            throw e;
        } finally {
            close();
        }
    }

    /** Frees the input buffers and drops the version reference; safe to call twice. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        feeds.forEach(f -> f.tensor().close());
        version.release();
    }

    private static int commonRows(List<Feed> feeds) {
        int rows = -1;
        for (Feed f : feeds) {
            long[] shape = f.shape();
            if (shape.length == 0 || shape[0] < 1 || shape[0] > Integer.MAX_VALUE || (rows >= 0 && shape[0] != rows)) {
                return -1;
            }
            rows = (int) shape[0];
        }
        return rows;
    }
}
