package io.rtml.scoring.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBucket;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleConsumer;

/**
 * The meters of one (service, version), resolved once when the version loads so that a request
 * only increments what it already holds (no tag lookup on the hot path). Every figure is
 * cumulative since the version was loaded: a collector takes two {@link #summary()} snapshots and
 * subtracts them for a window's rate, error ratio, quantiles and output distribution.
 */
public final class VersionTelemetry {

    /** Records nothing: telemetry is off, or the version is not served (warm-up, tests). */
    public static final VersionTelemetry OFF = new VersionTelemetry();

    /** Latency buckets: 50 µs to 10 s, roughly 1-2.5-5 per decade. */
    private static final Duration[] LATENCY_BOUNDS = micros(50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000,
            50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 10_000_000);
    private static final double[] ROW_BOUNDS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 1024, 4096};

    private final NodeTelemetry node;
    private final String service;
    private final int version;
    private final Counter ok;
    private final Counter clientErrors;
    private final Counter serverErrors;
    private final Timer latency;
    private final DistributionSummary requestRows;
    private final DistributionSummary batchRows;
    private final Histogram outputs;
    private final DistributionDataPoint output;
    private final DoubleConsumer outputSink;
    private final List<io.micrometer.core.instrument.Meter> meters;
    /** Shadow runs of this version (as a candidate), created with its first one: most versions never have any. */
    private volatile ShadowTelemetry shadow;
    private final MeterRegistry registry;
    private final Tags tags;

    private VersionTelemetry() {
        node = null;
        service = null;
        version = 0;
        ok = clientErrors = serverErrors = null;
        latency = null;
        requestRows = batchRows = null;
        outputs = null;
        output = null;
        outputSink = value -> { };
        meters = List.of();
        registry = null;
        tags = null;
    }

    VersionTelemetry(NodeTelemetry node, MeterRegistry registry, Histogram outputs, String service, int version) {
        this.node = node;
        this.service = service;
        this.version = version;
        this.registry = registry;
        Tags tags = Tags.of("service", service, "version", Integer.toString(version));
        this.tags = tags;
        ok = outcome(registry, tags, "ok");
        clientErrors = outcome(registry, tags, "client_error");
        serverErrors = outcome(registry, tags, "server_error");
        latency = Timer.builder("rtml.scoring.latency")
                .description("From the request read to its reply written, for answered predictions")
                .tags(tags).serviceLevelObjectives(LATENCY_BOUNDS).register(registry);
        requestRows = rows(registry, tags, "rtml.scoring.request.rows", "Rows of each answered prediction");
        batchRows = rows(registry, tags, "rtml.scoring.batch.rows", "Rows of each ONNX Runtime run (merged requests)");
        this.outputs = outputs;
        output = outputs.labelValues(service, Integer.toString(version));
        outputSink = output::observe;
        meters = List.of(ok, clientErrors, serverErrors, latency, requestRows, batchRows);
    }

    private static Counter outcome(MeterRegistry registry, Tags tags, String outcome) {
        return Counter.builder("rtml.scoring.requests").description("Predictions by outcome")
                .tags(tags).tag("outcome", outcome).register(registry);
    }

    private static DistributionSummary rows(MeterRegistry registry, Tags tags, String name, String description) {
        return DistributionSummary.builder(name).description(description).tags(tags)
                .serviceLevelObjectives(ROW_BOUNDS).register(registry);
    }

    String service() {
        return service;
    }

    int version() {
        return version;
    }

    /** An answered prediction: its latency from the request read and its rows. */
    public void answered(long nanos, int rows) {
        if (this == OFF) {
            return;
        }
        ok.increment();
        latency.record(nanos, TimeUnit.NANOSECONDS);
        requestRows.record(rows);
    }

    /** A prediction that failed with {@code status}: 4xx is the client's error, anything else the server's. */
    public void failed(int status) {
        if (this == OFF) {
            return;
        }
        (status >= 400 && status < 500 ? clientErrors : serverErrors).increment();
    }

    /** One ONNX Runtime run of {@code rows} rows (one request's, or several merged). */
    public void ran(int rows) {
        if (this != OFF) {
            batchRows.record(rows);
        }
    }

    /** Where the primary output of each answered row goes. */
    public DoubleConsumer outputs() {
        return outputSink;
    }

    /** The version's session closed: its meters go once no reloaded session of the same number holds them. */
    public void release() {
        if (this != OFF) {
            node.release(this);
        }
    }

    /** Where this version's shadow runs (as a candidate) are recorded; null when telemetry is off. */
    public ShadowTelemetry shadow() {
        if (this == OFF) {
            return null;
        }
        ShadowTelemetry s = shadow;
        if (s == null) {
            synchronized (this) {
                if (shadow == null) {
                    shadow = new ShadowTelemetry(registry, tags);
                }
                s = shadow;
            }
        }
        return s;
    }

    void remove(MeterRegistry registry) {
        meters.forEach(registry::remove);
        ShadowTelemetry s = shadow;
        if (s != null) {
            s.remove(registry);
        }
        outputs.remove(service, Integer.toString(version));
    }

    /** Cumulative figures since the version loaded; histogram buckets hold the count at or below {@code le}. */
    public Summary summary() {
        if (this == OFF) {
            return null;
        }
        ShadowTelemetry s = shadow;
        return new Summary(new Requests((long) ok.count(), (long) clientErrors.count(), (long) serverErrors.count()),
                histogram(latency.takeSnapshot(), true), histogram(requestRows.takeSnapshot(), false),
                histogram(batchRows.takeSnapshot(), false), outputHistogram(), s == null ? null : s.summary());
    }

    static HistogramSummary histogram(HistogramSnapshot s, boolean seconds) {
        List<Bucket> buckets = new ArrayList<>();
        for (CountAtBucket b : s.histogramCounts()) {
            buckets.add(new Bucket(seconds ? b.bucket(TimeUnit.SECONDS) : b.bucket(), (long) b.count()));
        }
        return new HistogramSummary(s.count(), seconds ? s.total(TimeUnit.SECONDS) : s.total(), buckets);
    }

    private HistogramSummary outputHistogram() {
        // The Prometheus client keeps one count per bucket; the summary gives them cumulative like the others.
        String label = Integer.toString(version);
        for (HistogramDataPointSnapshot p : outputs.collect().getDataPoints()) {
            if (service.equals(p.getLabels().get("service")) && label.equals(p.getLabels().get("version"))) {
                List<Bucket> buckets = new ArrayList<>();
                long running = 0;
                for (ClassicHistogramBucket b : p.getClassicBuckets()) {
                    running += b.getCount();
                    if (!Double.isInfinite(b.getUpperBound())) {
                        buckets.add(new Bucket(b.getUpperBound(), running));
                    }
                }
                return new HistogramSummary(p.getCount(), p.getSum(), buckets);
            }
        }
        return new HistogramSummary(0, 0, List.of());
    }

    static Duration[] latencyBounds() {
        return LATENCY_BOUNDS.clone();
    }

    private static Duration[] micros(long... micros) {
        Duration[] d = new Duration[micros.length];
        for (int i = 0; i < micros.length; i++) {
            d[i] = Duration.ofNanos(micros[i] * 1000);
        }
        return d;
    }

    /** Answered predictions and failures by whose fault. */
    public record Requests(long ok, long clientError, long serverError) {}

    /** A cumulative histogram: {@code count} is the +Inf bucket. */
    public record HistogramSummary(long count, double sum, List<Bucket> buckets) {}

    /** Samples at or below {@code le}. */
    public record Bucket(double le, long count) {}

    /** {@code shadow}: this version's shadow runs as a candidate; null when it never had one. */
    public record Summary(Requests requests, HistogramSummary latencySeconds, HistogramSummary rowsPerRequest,
            HistogramSummary rowsPerBatch, HistogramSummary output, ShadowTelemetry.ShadowSummary shadow) {}
}
