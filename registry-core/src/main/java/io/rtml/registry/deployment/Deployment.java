package io.rtml.registry.deployment;

import io.rtml.deployment.DeploymentKind;
import io.rtml.deployment.DeploymentStatus;
import io.rtml.deployment.Rollout;
import io.rtml.deployment.RolloutState;
import io.rtml.deployment.WavePlan;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One request to move a service to a version on a set of targets; the deployer carries it out.
 * The deployment module writes it (DeploymentRequests, DeploymentLedger); read-only here.
 */
@Entity
@Immutable
@Table(name = "deployment")
public class Deployment {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private Long serviceId;

    @Enumerated(EnumType.STRING)
    private DeploymentKind kind;

    private int version;

    @Enumerated(EnumType.STRING)
    private DeploymentStatus status;

    private String requestedBy;
    private Instant requestedAt;
    private Instant startedAt;
    private Instant finishedAt;
    private String error;
    private boolean deletesService;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    private String rollout;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    private String rolloutState;

    private String requestedDecision;
    private String reason;
    private Long revertsDeploymentId;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    private String plan;

    private String cause;

    protected Deployment() {}

    public DeploymentResponse toResponse(String service, List<DeploymentResponse.TargetProgress> targets,
            Map<Integer, DeploymentResponse.WaveProgress.Times> waveTimes) {
        Long durationMs = startedAt != null && finishedAt != null ? Duration.between(requestedAt, finishedAt).toMillis()
                : null;
        WavePlan waves = WavePlan.fromJson(plan);
        return new DeploymentResponse(id, service, kind, version, status, requestedBy, requestedAt, startedAt,
                finishedAt, durationMs, error, targets, Rollout.fromJson(rollout),
                DeploymentResponse.RolloutProgress.of(RolloutState.fromJson(rolloutState), requestedDecision), waves,
                DeploymentResponse.WaveProgress.of(waves, targets, waveTimes), cause, reason,
                revertsDeploymentId);
    }

    boolean waved() {
        return plan != null;
    }

    DeploymentStatus status() {
        return status;
    }

    public Long id() {
        return id;
    }

    int version() {
        return version;
    }
}
