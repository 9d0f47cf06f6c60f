package io.rtml.registry.gallery;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code POST /api/v1/services}: a gallery entry bound to a registered model; {@code follow}, an alias
 * of that model whose moves the service deploys by itself (null: none).
 */
public record CreateServiceRequest(@NotNull String name, @NotNull String model, @Size(max = 10_000) String description,
        String follow) {

    public CreateServiceRequest {
        description = description == null ? "" : description;
    }
}
