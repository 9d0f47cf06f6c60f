package io.rtml.registry.deployment;

import io.rtml.deployment.TargetDeploymentStatus;

import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.Immutable;

/** Progress of one deployment on one target, as the deployment module wrote it; read-only here. */
@Entity
@Immutable
@Table(name = "deployment_target")
class DeploymentTarget {

    @Embeddable
    record Key(Long deploymentId, Long targetId) {}

    @EmbeddedId
    private Key key;

    @Enumerated(EnumType.STRING)
    private TargetDeploymentStatus status;

    private Integer previousVersion;
    private String error;
    private Instant stagedAt;
    private Instant activatedAt;
    private String warmupError;
    private int wave;
    private Instant convergedAt;

    protected DeploymentTarget() {}

    Key key() {
        return key;
    }

    Long targetId() {
        return key.targetId();
    }

    /** {@code waved}: the deployment has a wave plan, so the target's wave is shown (1-based). */
    DeploymentResponse.TargetProgress toProgress(String targetName, boolean waved) {
        return new DeploymentResponse.TargetProgress(targetName, status, previousVersion, error, stagedAt, activatedAt,
                warmupError, waved ? wave + 1 : null, convergedAt);
    }
}
