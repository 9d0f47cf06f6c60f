package io.rtml.registry.telemetry;

import java.time.Instant;
import java.util.List;

/**
 * A service's live figures over the last {@code minutes} (from {@code from} to {@code to}), from the
 * windows the deployer collected: per version over all its targets ({@code versions}, target null)
 * and per target and version ({@code targets}), each with a time series for charts.
 */
public record LiveFiguresResponse(String service, int minutes, Instant from, Instant to, long stepSeconds,
        List<Figures> versions, List<Figures> targets) {

    /**
     * Requests (rate per second) of one version, the share that failed (client and server errors;
     * null without requests), and latency quantiles of the answered requests from the summed histograms
     * (null without any; a node times only the requests a version answered).
     * {@code role}: active, candidate (of a traffic split), shadow or standby, as last reported.
     */
    public record Figures(String target, int version, String role, long requests, double ratePerSecond,
            Double errorRatio, Double p50Millis, Double p99Millis, List<Point> series) {}

    /** One step of the series, ending at {@code at}. */
    public record Point(Instant at, long requests, double ratePerSecond, Double errorRatio, Double p50Millis,
            Double p99Millis) {}
}
