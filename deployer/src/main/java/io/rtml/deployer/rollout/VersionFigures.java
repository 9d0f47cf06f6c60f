package io.rtml.deployer.rollout;

import io.rtml.deployment.WholeNumbers;
import io.rtml.deployment.Histogram;
import tools.jackson.databind.JsonNode;

/**
 * One version's cumulative telemetry on one node, or (after {@link #minus}) over a window, or
 * (after {@link #plus}) over several targets. {@code loadedAt} tells a reload apart: its counters
 * started again from zero.
 */
public record VersionFigures(String loadedAt, long ok, long clientErrors, long serverErrors, Histogram latencySeconds,
        Histogram output, ShadowFigures shadow) {

    public static final VersionFigures NONE = new VersionFigures(null, 0, 0, 0, Histogram.EMPTY, Histogram.EMPTY);

    public VersionFigures {
        shadow = shadow == null ? ShadowFigures.NONE : shadow;
    }

    /** Figures of a version that never shadowed. */
    public VersionFigures(String loadedAt, long ok, long clientErrors, long serverErrors, Histogram latencySeconds,
            Histogram output) {
        this(loadedAt, ok, clientErrors, serverErrors, latencySeconds, output, ShadowFigures.NONE);
    }

    /**
     * The figures of {@code version} of {@code service} in a node's {@code GET /admin/v1/telemetry}
     * answer; {@link #NONE} when the node does not hold it.
     */
    public static VersionFigures of(JsonNode snapshot, String service, int version) {
        for (JsonNode s : snapshot.path("services")) {
            if (!service.equals(s.path("service").asString(null))) {
                continue;
            }
            for (JsonNode v : s.path("versions")) {
                if (WholeNumbers.intOf(v, "version", -1) == version) {
                    JsonNode t = v.path("telemetry");
                    JsonNode requests = t.path("requests");
                    return new VersionFigures(v.path("loadedAt").asString(null), WholeNumbers.longOf(requests, "ok", 0),
                            WholeNumbers.longOf(requests, "clientError", 0), WholeNumbers.longOf(requests, "serverError", 0),
                            Histogram.of(t.path("latencySeconds")), Histogram.of(t.path("output")),
                            ShadowFigures.of(t.path("shadow")));
                }
            }
        }
        return NONE;
    }

    public long requests() {
        return ok + clientErrors + serverErrors;
    }

    /** What happened since {@code earlier}; all of it when the version was reloaded in between. */
    public VersionFigures minus(VersionFigures earlier) {
        if (earlier == null || earlier.loadedAt == null || !earlier.loadedAt.equals(loadedAt)
                || earlier.requests() > requests()) {
            return this;
        }
        return new VersionFigures(loadedAt, ok - earlier.ok, clientErrors - earlier.clientErrors,
                serverErrors - earlier.serverErrors, latencySeconds.minus(earlier.latencySeconds),
                output.minus(earlier.output), shadow.minus(earlier.shadow));
    }

    public VersionFigures plus(VersionFigures other) {
        return new VersionFigures(null, ok + other.ok, clientErrors + other.clientErrors,
                serverErrors + other.serverErrors, latencySeconds.plus(other.latencySeconds), output.plus(other.output),
                shadow.plus(other.shadow));
    }

    /**
     * Failed requests of either kind over requests: a candidate that refuses inputs the stable version
     * answers (ONNX Runtime rejecting a value is a client error on the node) is as broken as one that
     * fails them; {@link Guard} discounts the share of client errors the stable version sees too.
     */
    public double errorRatio() {
        long n = requests();
        return n == 0 ? 0 : (double) (serverErrors + clientErrors) / n;
    }

    /** Client errors over requests: the callers' own mistakes, as far as this version is concerned. */
    public double clientErrorRatio() {
        long n = requests();
        return n == 0 ? 0 : (double) clientErrors / n;
    }
}
