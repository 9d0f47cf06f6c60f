package io.rtml.registry.deployment;

import io.rtml.deployment.DeploymentKind;
import io.rtml.deployment.DeploymentStatus;
import io.rtml.deployment.TargetDeploymentStatus;

import io.rtml.deployment.Rollout;
import io.rtml.deployment.RolloutState;
import io.rtml.deployment.WavePlan;
import java.time.Instant;
import java.util.List;

/**
 * A deployment with its progress per target; {@code durationMs} runs from the request to the end.
 * {@code strategy} and {@code rollout}: null for a deployment that switched every target at once.
 * {@code reason} and {@code revertsDeployment}: a ROLLBACK the deployer recorded when a rollout was
 * rolled back (a guardrail crossed, or an abort by hand): why, and which deployment it reverted.
 * {@code plan} and {@code waves}: its wave plan and each wave's progress, null without one;
 * {@code cause}: why the deployer started it (a target that started matching the service's selector),
 * null for a request.
 */
public record DeploymentResponse(long id, String service, DeploymentKind kind, int version, DeploymentStatus status,
        String requestedBy, Instant requestedAt, Instant startedAt, Instant finishedAt, Long durationMs, String error,
        List<TargetProgress> targets, Rollout strategy, RolloutProgress rollout, WavePlan plan,
        List<WaveProgress> waves, String cause, String reason, Long revertsDeployment) {

    /**
     * One wave: what chose its targets, how many, and how many of them are active (switched or
     * converged since), failed, reverted, or pending (not reached yet, or unreachable and left to converge).
     */
    public record WaveProgress(int wave, String selector, Integer percent, int targets, int active, int failed,
            int reverted, int pending) {

        static List<WaveProgress> of(WavePlan plan, List<TargetProgress> targets) {
            if (plan == null) {
                return null;
            }
            List<WaveProgress> waves = new java.util.ArrayList<>();
            for (int n = 0; n < plan.waves().size(); n++) {
                int wave = n + 1; // a target's wave is 1-based, as the API shows it
                List<TargetProgress> in = targets.stream().filter(t -> t.wave() != null && t.wave() == wave).toList();
                waves.add(new WaveProgress(n + 1, plan.waves().get(n).selector(), plan.waves().get(n).percent(),
                        in.size(), count(in, TargetDeploymentStatus.ACTIVE), count(in, TargetDeploymentStatus.FAILED),
                        count(in, TargetDeploymentStatus.REVERTED), count(in, TargetDeploymentStatus.PENDING)));
            }
            return waves;
        }

        private static int count(List<TargetProgress> targets, TargetDeploymentStatus status) {
            return (int) targets.stream().filter(t -> t.status() == status).count();
        }
    }

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
     * warm-up failed (it serves it unbatched), null otherwise. {@code wave}: its wave (1-based) in a
     * wave plan, null without one; {@code convergedAt}: when reconciliation brought it the version after
     * the deployment left it PENDING (unreachable under {@code offline: converge}).
     */
    public record TargetProgress(String target, TargetDeploymentStatus status, Integer previousVersion, String error,
            Instant stagedAt, Instant activatedAt, String warmupError, Integer wave, Instant convergedAt) {}
}
