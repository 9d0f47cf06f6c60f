package io.rtml.deployer.job;

import io.rtml.deployment.DeploymentLedger;
import io.rtml.deployment.DeploymentOutcome;
import io.rtml.deployment.DeploymentStatus;
import io.rtml.deployment.RolloutState;
import io.rtml.deployment.TargetDeploymentStatus;
import io.rtml.deployment.TargetProgress;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every write of a deployment's progress, each one short transaction around the deployment
 * module's {@link DeploymentLedger}, which fences it on this instance's claim and the expected
 * current status. No node is called inside these transactions.
 */
@Component
class DeploymentRecorder {

    private final DeploymentLedger ledger;
    private final TransactionTemplate tx;
    private final WaveTimes waveTimes;

    DeploymentRecorder(DeploymentLedger ledger, TransactionTemplate tx, WaveTimes waveTimes) {
        this.ledger = ledger;
        this.tx = tx;
        this.waveTimes = waveTimes;
    }

    /** Moves to a non-final status and records target progress in the same transaction. */
    void move(DeploymentJob job, DeploymentStatus from, DeploymentStatus to, List<TargetProgress> targets) {
        tx.executeWithoutResult(status -> ledger.move(job.id(), from, to, targets));
    }

    /** A rollout step bakes: its state recorded and the claim released for {@code seconds}. */
    void bake(DeploymentJob job, RolloutState state, double seconds, String actedOn) {
        tx.executeWithoutResult(status -> ledger.bake(job.id(), state, seconds, actedOn));
    }

    /** Records the rollout's state, then moves to a non-final status, in one transaction. */
    void move(DeploymentJob job, RolloutState state, String actedOn, DeploymentStatus from, DeploymentStatus to) {
        tx.executeWithoutResult(status -> {
            ledger.recordRollout(job.id(), state, actedOn);
            ledger.move(job.id(), from, to, List.of());
        });
    }

    /** Records the rollout's state, then ends the deployment, in one transaction. */
    void finish(DeploymentJob job, RolloutState state, String actedOn, DeploymentStatus from, DeploymentStatus to,
            String error, List<TargetProgress> targets) {
        tx.executeWithoutResult(status -> {
            ledger.recordRollout(job.id(), state, actedOn);
            ledger.finish(outcome(job), from, to, error, targets);
        });
    }

    /**
     * Ends a rollout ROLLED_BACK and records the return to {@code stableVersion} as a ROLLBACK
     * deployment with {@code reason} ({@link DeploymentLedger#recordRollback}), in one transaction.
     */
    void rolledBack(DeploymentJob job, RolloutState state, String actedOn, String reason, Integer stableVersion,
            boolean byHand, List<TargetProgress> targets) {
        tx.executeWithoutResult(status -> {
            ledger.recordRollout(job.id(), state, actedOn);
            ledger.finish(outcome(job), DeploymentStatus.ROLLING_OUT, DeploymentStatus.ROLLED_BACK, reason, targets);
            if (stableVersion != null) {
                ledger.recordRollback(outcome(job), stableVersion, reason, byHand, targets);
            }
        });
    }

    /** Ends the deployment: see {@link DeploymentLedger#finish}, all in one transaction. */
    void finish(DeploymentJob job, DeploymentStatus from, DeploymentStatus to, String error,
            List<TargetProgress> targets) {
        tx.executeWithoutResult(status -> ledger.finish(outcome(job), from, to, error, targets));
    }

    /** Records target progress without moving the status (a wave ended), fenced on the claim. */
    void progress(DeploymentJob job, DeploymentStatus at, List<TargetProgress> targets) {
        tx.executeWithoutResult(status -> ledger.progress(job.id(), at, targets));
    }

    /** A wave of the plan begins (its first start is kept), fenced on the claim. */
    void waveStarted(DeploymentJob job, DeploymentStatus at, int wave) {
        tx.executeWithoutResult(status -> waveTimes.started(job.id(), at, wave));
    }

    /** A wave ended within the threshold: its target progress and its end, in one transaction. */
    void waveFinished(DeploymentJob job, DeploymentStatus at, int wave, List<TargetProgress> targets) {
        tx.executeWithoutResult(status -> {
            ledger.progress(job.id(), at, targets);
            waveTimes.finished(job.id(), wave);
        });
    }

    /**
     * Ends a deployment whose targets did not all switch: {@code fates} says what each one's end records.
     * A deployment with a plan ends its open waves in the same transaction (the wave that aborted it ends
     * here, after the reversal).
     */
    void finish(DeploymentJob job, DeploymentStatus from, DeploymentStatus to, String error,
            List<TargetProgress> targets, Map<Long, DeploymentOutcome.Fate> fates) {
        tx.executeWithoutResult(status -> {
            ledger.finish(outcome(job, fates), from, to, error, targets);
            if (job.plan() != null) {
                waveTimes.close(job.id());
            }
        });
    }

    private static DeploymentOutcome outcome(DeploymentJob job) {
        return outcome(job, Map.of());
    }

    private static DeploymentOutcome outcome(DeploymentJob job, Map<Long, DeploymentOutcome.Fate> fates) {
        return new DeploymentOutcome(job.id(), job.serviceId(), job.service(), job.kind(), job.version(),
                job.requestedBy(), job.deletesService(), job.targets().stream()
                        .map(t -> new DeploymentOutcome.Placement(t.id(), t.node().name(), t.previousVersion(),
                                fates.getOrDefault(t.id(), DeploymentOutcome.Fate.SWITCHED)))
                        .toList());
    }

    static TargetProgress target(JobTarget target, TargetDeploymentStatus status, String error) {
        return target(target, status, error, null);
    }

    static TargetProgress target(JobTarget target, TargetDeploymentStatus status, String error, String warmupError) {
        return new TargetProgress(target.id(), status, error, warmupError);
    }
}
