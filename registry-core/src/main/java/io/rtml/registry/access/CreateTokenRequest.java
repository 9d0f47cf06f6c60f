package io.rtml.registry.access;

import io.rtml.problem.NulCharacters;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Body of {@code POST /api/v1/tokens}. {@code expiresAt} null means the token does not expire. */
public record CreateTokenRequest(
        @NotNull @Size(min = 1, max = 100) String name,
        @NotEmpty Set<Role> roles,
        List<String> scopes,
        Instant expiresAt) {

    public CreateTokenRequest {
        scopes = scopes == null ? List.of() : scopes;
        NulCharacters.refuse("name", name); // PostgreSQL refuses U+0000 in text
    }
}
