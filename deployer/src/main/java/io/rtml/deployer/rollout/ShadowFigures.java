package io.rtml.deployer.rollout;

import io.rtml.deployment.WholeNumbers;
import io.rtml.deployment.Histogram;
import tools.jackson.databind.JsonNode;

/**
 * A candidate's shadow runs as the node counts them ({@code telemetry.shadow}), cumulative like the
 * rest: runs whose outputs all agreed with the served reply, those that disagreed, failed (the
 * candidate could not run the request) or were dropped (the node's shadow queue was full), and the
 * candidate's latency.
 */
public record ShadowFigures(long agreed, long disagreed, long failed, long dropped, Histogram latencySeconds) {

    public static final ShadowFigures NONE = new ShadowFigures(0, 0, 0, 0, Histogram.EMPTY);

    static ShadowFigures of(JsonNode shadow) {
        if (shadow == null || shadow.isNull() || shadow.isMissingNode()) {
            return NONE;
        }
        return new ShadowFigures(WholeNumbers.longOf(shadow, "agreed", 0),
                WholeNumbers.longOf(shadow, "disagreed", 0), WholeNumbers.longOf(shadow, "failed", 0),
                WholeNumbers.longOf(shadow, "dropped", 0),
                Histogram.of(shadow.path("latencySeconds")));
    }

    ShadowFigures minus(ShadowFigures earlier) {
        return new ShadowFigures(agreed - earlier.agreed, disagreed - earlier.disagreed, failed - earlier.failed,
                dropped - earlier.dropped, latencySeconds.minus(earlier.latencySeconds));
    }

    ShadowFigures plus(ShadowFigures other) {
        return new ShadowFigures(agreed + other.agreed, disagreed + other.disagreed, failed + other.failed,
                dropped + other.dropped, latencySeconds.plus(other.latencySeconds));
    }

    /** Runs compared with the served reply: agreed + disagreed. */
    public long compared() {
        return agreed + disagreed;
    }
}
