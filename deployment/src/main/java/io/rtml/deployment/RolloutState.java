package io.rtml.deployment;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where a rollout stands ({@code deployment.rollout_state}), written by the deployer at every step
 * and decision and read by the registry for the deployment's status.
 *
 * @param step index into the strategy's steps
 * @param percent the candidate's share of requests in this step
 * @param stepStartedAt when the nodes got this split; null: the step is not started yet
 * @param baseline the telemetry each target reported when the step started (the deployer's, opaque
 *     here): a window is the difference to a later snapshot
 * @param waiting why the step waits instead of deciding (too few requests), null when it does not
 * @param last the latest window's measurements
 * @param decisions every decision so far, oldest first
 */
public record RolloutState(int step, int percent, Instant stepStartedAt, JsonNode baseline, String waiting,
        Measurements last, List<Decision> decisions) {

    private static final JsonMapper JSON = WholeNumbers.strictMapper().findAndAddModules().build();

    public RolloutState {
        decisions = decisions == null ? List.of() : List.copyOf(decisions);
    }

    /** The state before the first step starts. */
    public static RolloutState first(int percent) {
        return new RolloutState(0, percent, null, null, null, null, List.of());
    }

    /**
     * One version's figures over a window, summed over the targets.
     *
     * @param errorRatio failed requests (server and client errors) over requests
     */
    public record VersionWindow(int version, long requests, long clientErrors, long serverErrors, double errorRatio,
            Double p50Millis, Double p99Millis) {}

    /**
     * A window: the stable and the candidate version side by side, the candidate's output shift, and
     * for a shadow rollout its shadow runs (null otherwise).
     */
    public record Measurements(Instant from, Instant to, VersionWindow stable, VersionWindow candidate, Double psi,
            ShadowWindow shadow) {}

    /**
     * A shadow window, summed over the targets: runs compared with the served reply and how many
     * agreed, runs the candidate failed or the node dropped, and the candidate's latency.
     */
    public record ShadowWindow(int candidate, long compared, long agreed, long failed, long dropped,
            Double agreementRatio, Double p50Millis, Double p99Millis) {}

    /**
     * @param action PROMOTE (next step), ACTIVATE (the candidate takes over), WAIT (no decision yet),
     *     ROLL_BACK (every target back on the stable version)
     * @param by "deployer" for an automatic decision, else who asked for it
     */
    public record Decision(Instant at, int step, int percent, String action, String by, String reason,
            Measurements measurements) {}

    public RolloutState started(Instant at, JsonNode snapshots) {
        return new RolloutState(step, percent, at, snapshots, null, last, decisions);
    }

    public RolloutState next(int nextPercent) {
        return new RolloutState(step + 1, nextPercent, null, null, null, last, decisions);
    }

    public RolloutState waiting(String why, Measurements measurements) {
        return new RolloutState(step, percent, stepStartedAt, baseline, why, measurements, decisions);
    }

    public RolloutState decided(Decision decision) {
        List<Decision> all = new ArrayList<>(decisions);
        all.add(decision);
        return new RolloutState(step, percent, stepStartedAt, baseline, waiting,
                decision.measurements() != null ? decision.measurements() : last, all);
    }

    public String toJson() {
        return JSON.writeValueAsString(this);
    }

    public static RolloutState fromJson(String json) {
        return json == null ? null : JSON.readValue(json, RolloutState.class);
    }
}
