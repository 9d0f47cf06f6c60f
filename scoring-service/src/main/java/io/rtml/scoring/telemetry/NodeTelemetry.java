package io.rtml.scoring.telemetry;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Histogram;
import java.util.HashMap;
import java.util.Map;

/**
 * The node's Prometheus registry and one {@link VersionTelemetry} per loaded (service, version).
 *
 * <p>Why shared per (service, version) with a count of holders: a version staged again under the
 * same number replaces the loaded one while requests still finish on the old session, and both
 * must add to the same cumulative series; the meters go away when the last holder closes.
 */
public final class NodeTelemetry {

    /**
     * Upper bounds of the primary-output histogram: 0.05 steps over [0, 1] (probabilities and
     * scores, where a distribution shift is looked for) and decades on either side (regressions).
     */
    static final double[] OUTPUT_BOUNDS = outputBounds();

    private final PrometheusMeterRegistry registry;
    /** The output histogram is the Prometheus client's own: Micrometer's summaries drop negative values. */
    private final Histogram outputs;
    private final Map<String, VersionTelemetry> versions = new HashMap<>();
    private final Map<String, Integer> holders = new HashMap<>();

    private NodeTelemetry(PrometheusMeterRegistry registry) {
        this.registry = registry;
        this.outputs = registry == null ? null : Histogram.builder()
                .name("rtml_scoring_output")
                .help("The primary output of each answered row: the top class's probability for a classifier")
                .labelNames("service", "version")
                .classicUpperBounds(OUTPUT_BOUNDS)
                .classicOnly()
                .withoutExemplars() // no tracing here, and sampling exemplars costs on every observation
                .register(registry.getPrometheusRegistry());
    }

    public static NodeTelemetry on() {
        return new NodeTelemetry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    /** Telemetry switched off ({@code rtml.scoring.telemetry=false}): versions record nothing. */
    public static NodeTelemetry off() {
        return new NodeTelemetry(null);
    }

    public boolean enabled() {
        return registry != null;
    }

    /** The meters of a version being loaded; {@link #release} them when its session closes. */
    public synchronized VersionTelemetry forVersion(String service, int version) {
        if (registry == null) {
            return VersionTelemetry.OFF;
        }
        String key = service + "\u0000" + version;
        holders.merge(key, 1, Integer::sum);
        return versions.computeIfAbsent(key, k -> new VersionTelemetry(this, registry, outputs, service, version));
    }

    synchronized void release(VersionTelemetry telemetry) {
        if (telemetry == VersionTelemetry.OFF) {
            return;
        }
        String key = telemetry.service() + "\u0000" + telemetry.version();
        if (holders.merge(key, -1, Integer::sum) <= 0) {
            holders.remove(key);
            versions.remove(key).remove(registry);
        }
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry == null ? "" : registry.scrape();
    }

    private static double[] outputBounds() {
        double[] bounds = new double[21 + 12];
        int i = 0;
        for (double d : new double[] {-1e6, -1e4, -1e3, -100, -10, -1}) {
            bounds[i++] = d;
        }
        for (int s = 0; s <= 20; s++) {
            bounds[i++] = s / 20.0;
        }
        for (double d : new double[] {2, 10, 100, 1e3, 1e4, 1e6}) {
            bounds[i++] = d;
        }
        return bounds;
    }
}
