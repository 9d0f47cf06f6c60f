package io.rtml.registry.gallery;

import jakarta.validation.constraints.NotNull;

/**
 * Body of {@code PATCH /api/v1/services/{name}}: bind the service to {@code model}. {@code version}
 * (a number or an alias; default the latest) is the version whose signature is compared with the
 * running one; {@code force} rebinds even when they differ.
 */
public record RebindServiceRequest(@NotNull String model, String version, Boolean force) {

    boolean forced() {
        return Boolean.TRUE.equals(force);
    }
}
