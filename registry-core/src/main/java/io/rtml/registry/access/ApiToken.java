package io.rtml.registry.access;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

@Entity
@Table(name = "api_token")
class ApiToken {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private String name;
    private String secretHash;
    private String prefix;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    private List<Role> roles;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    private List<String> scopes;

    private Instant createdAt;
    private String createdBy;
    private Instant expiresAt;
    private Instant revokedAt;
    private Instant lastUsedAt;

    protected ApiToken() {}

    ApiToken(String name, String secretHash, String prefix, Set<Role> roles, List<String> scopes, String createdBy,
            Instant now, Instant expiresAt) {
        this.name = name;
        this.secretHash = secretHash;
        this.prefix = prefix;
        this.roles = List.copyOf(roles);
        this.scopes = List.copyOf(scopes);
        this.createdBy = createdBy;
        this.createdAt = now;
        this.expiresAt = expiresAt;
    }

    boolean isValidAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    void revoke(Instant now) {
        if (revokedAt == null) {
            revokedAt = now;
        }
    }

    Actor actor(String address) {
        return new Actor("token:" + name, address, Set.copyOf(roles), scopes);
    }

    TokenResponse toResponse() {
        return new TokenResponse(id, name, prefix, roles, scopes, createdAt, createdBy, expiresAt, revokedAt, lastUsedAt);
    }

    Long id() {
        return id;
    }

    String name() {
        return name;
    }

    Instant lastUsedAt() {
        return lastUsedAt;
    }

    void usedAt(Instant now) {
        lastUsedAt = now;
    }
}
