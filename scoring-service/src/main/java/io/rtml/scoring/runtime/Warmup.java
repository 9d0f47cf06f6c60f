package io.rtml.scoring.runtime;

import ai.onnxruntime.OrtEnvironment;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a new session a few times and reads every output, so allocation and kernel selection happen
 * at stage time; measures the warmed-up run time; then decides whether the version's requests may
 * be merged into one run (dynamic batching). It feeds the version's example request when it has
 * one, else an input built from the signature (dynamic dimensions as 1, zeros, empty strings).
 *
 * <p>A warm-up that fails never refuses the version: the session loaded, and a graph may refuse
 * zeros or length-1 dimensions that no real request contains (a reflect {@code Pad}, a sample rate
 * that must be 8000 or 16000). The failure is recorded ({@link WarmupOutcome}, a WARN line) and
 * switches off what it was probing, batching.
 */
final class Warmup {

    private static final Logger log = LoggerFactory.getLogger(Warmup.class);
    private static final int RUNS = 3;

    private Warmup() {}

    static void run(OrtEnvironment env, LoadedVersion version) {
        Inference inference = new Inference(env);
        ExampleRequest example = version.example();
        String input = example != null ? "example" : "zeros";
        long fastest = Long.MAX_VALUE;
        List<Inference.Feed> feeds = List.of();
        try {
            feeds = example != null ? example.feeds(version.signature()) : feeds(version, false);
            for (int i = 0; i < RUNS; i++) {
                long start = System.nanoTime();
                inference.run(version, feeds, null);
                fastest = Math.min(fastest, System.nanoTime() - start);
            }
        } catch (RuntimeException e) {
            String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            log.warn("service={} version={} warm-up with {} failed, serving it unbatched: {}", version.service(),
                    version.version(), input, error);
            version.warmedUp(WarmupOutcome.failed(input, error));
            version.batchable(false);
            return;
        } finally {
            feeds.forEach(f -> f.tensor().close());
        }
        version.warmedUp(WarmupOutcome.succeeded(input, Duration.ofNanos(fastest)));
        version.batchable(rowsIndependent(inference, version, example));
    }

    /**
     * Whether two requests run as one give each exactly what they get alone. Needs a first
     * dimension that is dynamic in every input (the row dimension), and then checks it: two
     * requests, alone and merged, must give the same outputs element for element. The two are the
     * example cut after its first row (or the example twice, when it has one row), else a row of
     * zeros and a row of ones. This catches what the signature cannot show: a graph that mixes rows
     * (batch statistics, a reduction over the first axis) or a kernel whose result depends on how
     * many rows it sees.
     */
    private static boolean rowsIndependent(Inference inference, LoadedVersion version, ExampleRequest example) {
        List<TensorSpec> inputs = version.signature().inputs();
        if (inputs.isEmpty() || inputs.stream().anyMatch(s -> s.rank() == 0 || s.dim(0) >= 0)) {
            return false;
        }
        List<Prediction> pair = new ArrayList<>();
        try {
            List<ExampleRequest> parts = example == null ? null : example.splitFirstRow();
            List<List<OutputValue>> alone = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                List<Inference.Feed> feeds = example == null ? feeds(version, i == 1)
                        : (parts == null ? example : parts.get(i)).feeds(version.signature());
                pair.add(new Prediction(version, feeds, null, null));
                alone.add(inference.run(version, feeds, null));
            }
            List<List<OutputValue>> merged = inference.runMerged(pair, UnpooledByteBufAllocator.DEFAULT);
            boolean same = merged != null;
            for (int r = 0; same && r < 2; r++) {
                for (int o = 0; same && o < alone.get(r).size(); o++) {
                    same = alone.get(r).get(o).sameAs(merged.get(r).get(o));
                }
            }
            log.info("service={} version={} merges concurrent requests: {}", version.service(), version.version(),
                    same ? "yes" : "no, rows are not independent");
            return same;
        } catch (RuntimeException e) {
            log.info("service={} version={} merges concurrent requests: no ({})", version.service(),
                    version.version(), e.getMessage());
            return false;
        } finally {
            // The probe's predictions own their tensors but no version reference of their own.
            for (Prediction p : pair) {
                p.feeds().forEach(f -> f.tensor().close());
            }
        }
    }

    /** One row (dynamic dimensions as 1) of zeros, or of ones ("a" for strings, true for booleans). */
    private static List<Inference.Feed> feeds(LoadedVersion version, boolean ones) {
        List<Inference.Feed> feeds = new ArrayList<>();
        try {
            for (TensorSpec spec : version.signature().inputs()) {
                long[] shape = spec.shape();
                int count = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = shape[i] < 0 ? 1 : shape[i];
                    count = Math.multiplyExact(count, (int) shape[i]);
                }
                InputTensor in = new InputTensor(spec.name(), spec.datatype(), UnpooledByteBufAllocator.DEFAULT, count);
                feeds.add(new Inference.Feed(in, shape));
                for (int i = 0; i < count; i++) {
                    switch (spec.datatype()) {
                        case BYTES -> in.putString(ones ? "a" : "");
                        case BOOL -> in.putBool(ones);
                        default -> in.putLong(ones ? 1 : 0);
                    }
                }
            }
            return feeds;
        } catch (RuntimeException e) {
            feeds.forEach(f -> f.tensor().close());
            throw e;
        }
    }
}
