package io.rtml.registry.deployment;

import io.rtml.deployment.DeploymentKind;
import io.rtml.deployment.DeploymentStatus;

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

/** One request to move a service to a version on a set of targets; the deployer carries it out. */
@Entity
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

    protected Deployment() {}

    Deployment(Long serviceId, DeploymentKind kind, int version, String requestedBy, Instant now) {
        this(serviceId, kind, version, false, requestedBy, now);
    }

    /** @param deletesService an UNDEPLOY from every target, after which the deployer deletes the service */
    Deployment(Long serviceId, DeploymentKind kind, int version, boolean deletesService, String requestedBy,
            Instant now) {
        this.serviceId = serviceId;
        this.kind = kind;
        this.version = version;
        this.deletesService = deletesService;
        this.status = DeploymentStatus.PENDING;
        this.requestedBy = requestedBy;
        this.requestedAt = now;
    }

    public DeploymentResponse toResponse(String service, List<DeploymentResponse.TargetProgress> targets) {
        Long durationMs = startedAt != null && finishedAt != null ? Duration.between(requestedAt, finishedAt).toMillis()
                : null;
        return new DeploymentResponse(id, service, kind, version, status, requestedBy, requestedAt, startedAt,
                finishedAt, durationMs, error, targets);
    }

    public Long id() {
        return id;
    }

    int version() {
        return version;
    }
}
