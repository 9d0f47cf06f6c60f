package io.rtml.registry.gallery;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * What runs where: per service and target, the version that should run and the one that does.
 * The deployment module writes it (io.rtml.deployment: DeploymentLedger, DeploymentRequests); the
 * registry only reads it.
 */
@Entity
@Immutable
@Table(name = "service_target")
public class ServiceTarget {

    @Embeddable
    public record Key(Long serviceId, Long targetId) {}

    @EmbeddedId
    private Key key;

    private Integer desiredVersion;
    private Integer activeVersion;
    private Integer previousVersion;
    private Instant deployedAt;
    private String deployedBy;

    /** What the node holds, active and standby versions, as the deployer's last probe saw it; null before. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    private List<Integer> heldVersions;

    protected ServiceTarget() {}

    public Long serviceId() {
        return key.serviceId();
    }

    public Long targetId() {
        return key.targetId();
    }

    public Integer desiredVersion() {
        return desiredVersion;
    }

    public Integer activeVersion() {
        return activeVersion;
    }

    public Integer previousVersion() {
        return previousVersion;
    }

    public Instant deployedAt() {
        return deployedAt;
    }

    public String deployedBy() {
        return deployedBy;
    }

    public List<Integer> heldVersions() {
        return heldVersions;
    }
}
