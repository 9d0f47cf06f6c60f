package io.rtml.registry.deployment;

import jakarta.validation.constraints.Positive;

/**
 * Body of {@code POST /api/v1/services/{name}/rollback}; without {@code toVersion}, the version active before the
 * current one. {@code allowSignatureChange}: a {@code toVersion} that is not a target's previous version is checked
 * by the {@link SignatureGuard} like a deployment, unless this is true.
 */
public record RollbackRequest(@Positive Integer toVersion, Boolean allowSignatureChange) {

    public RollbackRequest(Integer toVersion) {
        this(toVersion, null);
    }

    boolean signatureChangeAllowed() {
        return Boolean.TRUE.equals(allowSignatureChange);
    }
}
