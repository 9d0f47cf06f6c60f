package io.rtml.registry.gallery;

import io.rtml.registry.deployment.RolloutChoice;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code POST /api/v1/services}: a gallery entry bound to a registered model; {@code selector}:
 * the label selector of the targets it follows (a target that starts matching gets its active version);
 * {@code follow}: an alias of that model whose moves the service deploys by itself (null: none);
 * {@code defaultRollout}: how a deployment that names no rollout reaches the targets, the alias's
 * included (the deployment request's {@code strategy}, {@code guardrails} and wave fields; null: at once).
 */
public record CreateServiceRequest(@NotNull String name, @NotNull String model, @Size(max = 10_000) String description,
        @Size(max = 4096) String selector, String follow, RolloutChoice defaultRollout) {

    public CreateServiceRequest {
        description = description == null ? "" : description;
    }
}
