package io.rtml.scoring.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A candidate version's shadow runs: how many were compared with the served reply, agreed (every
 * output), disagreed, failed on the candidate, or were dropped because the shadow executor was
 * full; agreement per output; and the candidate's run latency. Counted on the candidate's series.
 */
public final class ShadowTelemetry {

    private final MeterRegistry registry;
    private final Tags tags;
    private final Counter agreed;
    private final Counter disagreed;
    private final Counter failed;
    private final Counter dropped;
    private final Timer latency;
    /** Per output name: {agreed, disagreed}; a handful of outputs per model, resolved on first use. */
    private final Map<String, Counter[]> outputs = new ConcurrentHashMap<>();

    ShadowTelemetry(MeterRegistry registry, Tags tags) {
        this.registry = registry;
        this.tags = tags;
        agreed = result("agreed");
        disagreed = result("disagreed");
        failed = result("failed");
        dropped = result("dropped");
        latency = Timer.builder("rtml.scoring.shadow.latency")
                .description("Run time of the candidate's shadow runs, parsing included")
                .tags(tags).serviceLevelObjectives(VersionTelemetry.latencyBounds()).register(registry);
    }

    private Counter result(String result) {
        return Counter.builder("rtml.scoring.shadow").description("Shadow runs of a candidate by result")
                .tags(tags).tag("result", result).register(registry);
    }

    /** A compared shadow run: whether each output agreed, and how long the candidate took. */
    public void compared(Map<String, Boolean> agreement, long nanos) {
        latency.record(nanos, TimeUnit.NANOSECONDS);
        boolean all = true;
        for (Map.Entry<String, Boolean> e : agreement.entrySet()) {
            Counter[] c = outputs.computeIfAbsent(e.getKey(), name -> new Counter[] {output(name, "agreed"),
                    output(name, "disagreed")});
            c[e.getValue() ? 0 : 1].increment();
            all &= e.getValue();
        }
        (all ? agreed : disagreed).increment();
    }

    private Counter output(String name, String result) {
        return Counter.builder("rtml.scoring.shadow.outputs").description("Shadow comparisons per output")
                .tags(tags).tag("output", name).tag("result", result).register(registry);
    }

    public void failed() {
        failed.increment();
    }

    public void dropped() {
        dropped.increment();
    }

    void remove(MeterRegistry registry) {
        List<Meter> meters = new ArrayList<>(List.of(agreed, disagreed, failed, dropped, latency));
        outputs.values().forEach(c -> meters.addAll(List.of(c)));
        meters.forEach(registry::remove);
    }

    ShadowSummary summary() {
        Map<String, OutputAgreement> perOutput = new TreeMap<>();
        outputs.forEach((name, c) -> perOutput.put(name, new OutputAgreement((long) c[0].count(), (long) c[1].count())));
        long agreedRuns = (long) agreed.count();
        long disagreedRuns = (long) disagreed.count();
        return new ShadowSummary(agreedRuns + disagreedRuns, agreedRuns, disagreedRuns, (long) failed.count(),
                (long) dropped.count(), VersionTelemetry.histogram(latency.takeSnapshot(), true), perOutput);
    }

    /** Cumulative shadow figures: {@code compared = agreed + disagreed}; failed and dropped runs were not compared. */
    public record ShadowSummary(long compared, long agreed, long disagreed, long failed, long dropped,
            VersionTelemetry.HistogramSummary latencySeconds, Map<String, OutputAgreement> outputs) {}

    public record OutputAgreement(long agreed, long disagreed) {}
}
