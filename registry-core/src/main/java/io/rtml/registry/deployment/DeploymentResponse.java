package io.rtml.registry.deployment;

import io.rtml.deployment.DeploymentKind;
import io.rtml.deployment.DeploymentStatus;
import io.rtml.deployment.TargetDeploymentStatus;

import java.time.Instant;
import java.util.List;

/** A deployment with its progress per target; {@code durationMs} runs from the request to the end. */
public record DeploymentResponse(long id, String service, DeploymentKind kind, int version, DeploymentStatus status,
        String requestedBy, Instant requestedAt, Instant startedAt, Instant finishedAt, Long durationMs, String error,
        List<TargetProgress> targets) {

    /**
     * One target's part of a deployment; {@code warmupError}: the node staged the version but its
     * warm-up failed (it serves it unbatched), null otherwise.
     */
    public record TargetProgress(String target, TargetDeploymentStatus status, Integer previousVersion, String error,
            Instant stagedAt, Instant activatedAt, String warmupError) {}
}
