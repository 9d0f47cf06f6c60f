package io.rtml.registry.target;

import io.rtml.deployment.NodeCredentials;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A scoring node (or a group of identical nodes behind one URL) that services are deployed to. */
@Entity
@Table(name = "target")
public class Target {

    /** Where a target sits: the central hub or an edge near users. */
    public enum Kind { HUB, EDGE }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private String name;

    @Enumerated(EnumType.STRING)
    private Kind kind;

    private String region;
    private String baseUrl;
    private String adminTokenRef;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    private Map<String, String> labels;

    private String health;
    private Instant lastSeenAt;
    private Instant createdAt;
    private String createdBy;
    private Instant updatedAt;
    private String nodeCredentialSalt;
    private String nodeCredentialHash;

    protected Target() {}

    Target(CreateTargetRequest request, String createdBy, Instant now) {
        this.name = request.name();
        this.kind = request.kind();
        this.region = request.region();
        this.baseUrl = request.baseUrl();
        this.adminTokenRef = request.adminTokenRef();
        this.labels = Map.copyOf(request.labels());
        this.health = "UNKNOWN";
        this.createdBy = createdBy;
        this.createdAt = now;
        this.updatedAt = now;
    }

    void update(UpdateTargetRequest request, Instant now) {
        if (request.region() != null) {
            region = request.region();
        }
        if (request.baseUrl() != null) {
            baseUrl = request.baseUrl();
        }
        if (request.adminTokenRef() != null) {
            adminTokenRef = request.adminTokenRef().isBlank() ? null : request.adminTokenRef();
        }
        if (request.labels() != null) {
            labels = Map.copyOf(request.labels());
        }
        updatedAt = now;
    }

    /** Gives this target a new node credential: from now on only {@code credential} is accepted from its node. */
    void issueCredential(String salt, String credential, Instant now) {
        nodeCredentialSalt = salt;
        nodeCredentialHash = NodeCredentials.hash(credential);
        updatedAt = now;
    }

    public TargetResponse toResponse() {
        return new TargetResponse(name, kind, region, baseUrl(), adminTokenRef, labels, health, lastSeenAt, createdAt,
                createdBy, null);
    }

    public Long id() {
        return id;
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    public String region() {
        return region;
    }

    /** Never with user info or a query, even on a row stored before base URLs were checked. */
    public String baseUrl() {
        return TargetUrlPolicy.shown(baseUrl);
    }

    /** The target's labels, for selectors. */
    public Map<String, String> labels() {
        return labels == null ? Map.of() : labels;
    }

    public String health() {
        return health;
    }
}
