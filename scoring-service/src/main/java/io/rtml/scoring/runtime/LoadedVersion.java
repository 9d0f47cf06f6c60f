package io.rtml.scoring.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.rtml.scoring.telemetry.VersionTelemetry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model version with its open ONNX Runtime session: immutable apart from its reference count.
 *
 * <p>Why reference counting: a request takes a reference before it runs and drops it when its
 * response is written, so a version that is unloaded or pushed out of the standby set closes its
 * native session only after the last request on it has finished. The slot that holds the version
 * owns one reference (the count starts at 1); {@link #retire()} drops it.
 */
public final class LoadedVersion {

    private static final Logger log = LoggerFactory.getLogger(LoadedVersion.class);

    private final String service;
    private final int version;
    private final String label;
    private final String versionId;
    private final String sha256;
    private final long sizeBytes;
    private final Path file;
    private final OrtSession session;
    private final Signature signature;
    private final Map<String, ZipMapRewrite.ZipMapNode> zipMaps;
    private final List<String> outputNames;
    private final Instant loadedAt = Instant.now();
    private final AtomicInteger refs = new AtomicInteger(1);
    private final AtomicBoolean retired = new AtomicBoolean();
    /** Whether concurrent requests may share one run; decided by {@link Warmup} at load. */
    private volatile boolean batchable;
    /** The fastest warm-up run of one row, in nanoseconds; unknown (max) until {@link Warmup} measured it. */
    private volatile long warmupNanos = Long.MAX_VALUE;
    /** The registered example request (null: none), fed by the warm-up and the batching probe. */
    private final ExampleRequest example;
    private volatile WarmupOutcome warmup;
    /** Predictions answered and ONNX Runtime runs that answered them: fewer runs = requests merged. */
    private final LongAdder predictions = new LongAdder();
    private final LongAdder runs = new LongAdder();
    /** Set once after warm-up, before the version is published to a slot; warm-up runs record nothing. */
    private VersionTelemetry telemetry = VersionTelemetry.OFF;

    LoadedVersion(String service, int version, String versionId, String sha256, long sizeBytes, Path file,
            OrtSession session, Signature signature, Map<String, ZipMapRewrite.ZipMapNode> zipMaps,
            ExampleRequest example) {
        this.service = service;
        this.version = version;
        this.label = Integer.toString(version);
        this.versionId = versionId;
        this.sha256 = sha256;
        this.sizeBytes = sizeBytes;
        this.file = file;
        this.session = session;
        this.signature = signature;
        this.zipMaps = Map.copyOf(zipMaps);
        this.example = example;
        this.outputNames = signature.outputs().stream().map(TensorSpec::name).toList();
    }

    /** Takes a reference for one request; false when the version is already closing. */
    public boolean tryAcquire() {
        while (true) {
            int n = refs.get();
            if (n == 0) {
                return false;
            }
            if (refs.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    public void release() {
        if (refs.decrementAndGet() == 0) {
            close();
        }
    }

    /** Drops the owner's reference: the session closes once no request uses it any more. */
    void retire() {
        if (retired.compareAndSet(false, true)) {
            release();
        }
    }

    /** Whether requests on this version may be merged into one run (rows shown independent at load). */
    public boolean batchable() {
        return batchable;
    }

    void batchable(boolean rowsIndependent) {
        this.batchable = rowsIndependent;
    }

    /**
     * How long one run of one row took at warm-up (the fastest of its runs, since a loaded machine
     * only makes runs slower); {@link Long#MAX_VALUE} when warm-up did not measure it, so a version
     * whose warm-up failed runs off the event loop. The node runs a version on the event loop only
     * when this is short.
     */
    public long warmupNanos() {
        return warmupNanos;
    }

    /** The version's example request, or null. */
    public ExampleRequest example() {
        return example;
    }

    /** How the warm-up went, with its measured run time ({@link WarmupOutcome#runTime()}). */
    public WarmupOutcome warmup() {
        return warmup;
    }

    void warmedUp(WarmupOutcome outcome) {
        this.warmup = outcome;
        this.warmupNanos = outcome.succeeded() ? outcome.runTime().toNanos() : Long.MAX_VALUE;
    }

    /** Counts one ONNX Runtime run of {@code rows} rows that answered {@code requests} predictions. */
    public void recordRun(int requests, int rows) {
        runs.increment();
        predictions.add(requests);
        telemetry.ran(rows);
    }

    public VersionTelemetry telemetry() {
        return telemetry;
    }

    void telemetry(VersionTelemetry telemetry) {
        this.telemetry = telemetry;
    }

    public long predictions() {
        return predictions.sum();
    }

    public long runs() {
        return runs.sum();
    }

    /** Turns batching off for good when a merged run turned out not to split into rows. */
    void stopBatching(String why) {
        if (batchable) {
            batchable = false;
            log.warn("service={} version={} no longer merges requests: {}", service, version, why);
        }
    }

    public OrtSession.Result run(Map<String, OnnxTensor> inputs, Set<String> outputs) throws OrtException {
        return outputs == null ? session.run(inputs) : session.run(inputs, outputs);
    }

    private void close() {
        telemetry.release();
        try {
            session.close();
            log.info("closed session service={} version={}", service, version);
        } catch (OrtException e) {
            log.warn("closing session service={} version={} failed: {}", service, version, e.getMessage());
        }
    }

    public String service() {
        return service;
    }

    public int version() {
        return version;
    }

    /** The version as the text of the {@code Rtml-Model-Version} header and OIP {@code model_version}. */
    public String label() {
        return label;
    }

    public String versionId() {
        return versionId;
    }

    public String sha256() {
        return sha256;
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    public Path file() {
        return file;
    }

    /** The ZipMap node behind an output, when it is served from its probability tensor; else null. */
    ZipMapRewrite.ZipMapNode zipMap(String output) {
        return zipMaps.get(output);
    }

    /** Output names in model order. */
    List<String> outputNames() {
        return outputNames;
    }

    public Signature signature() {
        return signature;
    }

    public Instant loadedAt() {
        return loadedAt;
    }
}
