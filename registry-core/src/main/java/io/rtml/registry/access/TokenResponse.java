package io.rtml.registry.access;

import java.time.Instant;
import java.util.List;

/** A token as listed: never its secret, only the prefix that tells it apart. */
public record TokenResponse(long id, String name, String prefix, List<Role> roles, List<String> scopes,
        Instant createdAt, String createdBy, Instant expiresAt, Instant revokedAt, Instant lastUsedAt) {}
