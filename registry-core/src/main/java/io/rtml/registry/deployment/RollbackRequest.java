package io.rtml.registry.deployment;

import jakarta.validation.constraints.Positive;

/** Body of {@code POST /api/v1/services/{name}/rollback}; without {@code toVersion}, the version active before the current one. */
public record RollbackRequest(@Positive Integer toVersion) {}
