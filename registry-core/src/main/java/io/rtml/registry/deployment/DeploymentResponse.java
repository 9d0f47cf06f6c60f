package io.rtml.registry.deployment;

import io.rtml.deployment.DeploymentKind;
import io.rtml.deployment.DeploymentStatus;
import io.rtml.deployment.TargetDeploymentStatus;

import io.rtml.deployment.Rollout;
import io.rtml.deployment.RolloutState;
import java.time.Instant;
import java.util.List;

/**
 * A deployment with its progress per target; {@code durationMs} runs from the request to the end.
 * {@code strategy} and {@code rollout}: null for a deployment that switched every target at once.
 * {@code reason} and {@code revertsDeployment}: a ROLLBACK the deployer recorded when a rollout was
 * rolled back (a guardrail crossed, or an abort by hand): why, and which deployment it reverted.
 */
public record DeploymentResponse(long id, String service, DeploymentKind kind, int version, DeploymentStatus status,
        String requestedBy, Instant requestedAt, Instant startedAt, Instant finishedAt, Long durationMs, String error,
        List<TargetProgress> targets, Rollout strategy, RolloutProgress rollout, String reason,
        Long revertsDeployment) {

    /**
     * Where a rollout stands: the current step and the candidate's share, whether it waits for more
     * requests, the last window's measurements per version, every decision, and a decision asked for by
     * hand that the deployer has not taken yet.
     */
    public record RolloutProgress(int step, int percent, Instant stepStartedAt, String waiting,
            RolloutState.Measurements last, List<RolloutState.Decision> decisions, String requestedDecision) {

        static RolloutProgress of(RolloutState state, String requestedDecision) {
            if (state == null) {
                return requestedDecision == null ? null
                        : new RolloutProgress(0, 0, null, null, null, List.of(), requestedDecision);
            }
            return new RolloutProgress(state.step(), state.percent(), state.stepStartedAt(), state.waiting(),
                    state.last(), state.decisions(), requestedDecision);
        }
    }

    /**
     * One target's part of a deployment; {@code warmupError}: the node staged the version but its
     * warm-up failed (it serves it unbatched), null otherwise.
     */
    public record TargetProgress(String target, TargetDeploymentStatus status, Integer previousVersion, String error,
            Instant stagedAt, Instant activatedAt, String warmupError) {}
}
