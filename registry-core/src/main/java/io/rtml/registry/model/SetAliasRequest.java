package io.rtml.registry.model;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

/** Body of {@code PUT /api/v1/models/{name}/aliases/{alias}}. */
public record SetAliasRequest(@NotNull @Positive Integer version) {}
