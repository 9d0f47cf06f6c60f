package io.rtml.registry.gallery;

import io.rtml.registry.deployment.RolloutChoice;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code PATCH /api/v1/services/{name}}: bind the service to {@code model}. {@code version}
 * (a number or an alias; default the latest) is the version whose signature is compared with the
 * running one; {@code force} rebinds even when they differ. {@code selector} sets the label selector
 * of the targets the service follows ({@code ""} clears it); {@code defaultRollout} sets the rollout a
 * deployment that names none takes ({@code {}} clears it). Any of {@code model}, {@code selector} and
 * {@code defaultRollout}, at least one.
 */
public record RebindServiceRequest(String model, String version, Boolean force, @Size(max = 4096) String selector,
        RolloutChoice defaultRollout) {

    boolean forced() {
        return Boolean.TRUE.equals(force);
    }
}
