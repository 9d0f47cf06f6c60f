package io.rtml.deployer.job;

import io.rtml.deployment.DeploymentKind;
import io.rtml.deployment.DeploymentStatus;
import io.rtml.deployment.Rollout;
import io.rtml.deployment.RolloutState;
import io.rtml.deployment.WavePlan;
import java.time.Instant;
import java.util.List;

/**
 * A claimed deployment as read at claim time: what to deploy (the artifact of the service's model
 * at {@code version}; null key when that version does not exist) and where, with each target's
 * recorded progress, from which a resumed attempt carries on. {@code deletesService}: an UNDEPLOY
 * from every target after which the service row is deleted. {@code rollout}: the strategy (null: all
 * targets at once), {@code rolloutState} where it stands (null before its first step), and
 * {@code requestedDecision} a PROMOTE or ABORT asked for by hand and not yet taken.
 */
record DeploymentJob(long id, long serviceId, String service, DeploymentKind kind, int version,
        DeploymentStatus status, String requestedBy, Instant requestedAt, int attempts, String artifactKey,
        String sha256, long sizeBytes, String example, List<JobTarget> targets, boolean deletesService,
        Rollout rollout, RolloutState rolloutState, String requestedDecision, WavePlan plan) {

    List<String> targetNames() {
        return targets.stream().map(t -> t.node().name()).toList();
    }
}
