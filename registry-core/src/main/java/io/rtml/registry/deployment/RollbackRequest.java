package io.rtml.registry.deployment;

import io.rtml.deployment.WavePlan;
import jakarta.validation.constraints.Positive;

/**
 * Body of {@code POST /api/v1/services/{name}/rollback}; without {@code toVersion}, the version active before the
 * current one. {@code allowSignatureChange}: a {@code toVersion} that is not a target's previous version is checked
 * by the {@link SignatureGuard} like a deployment, unless this is true. {@code offline}: {@code "fail"} (the default:
 * all or nothing, a target that cannot be reached fails the rollback) or {@code "converge"} (an unreachable target is
 * left PENDING with the version as its desired one, for reconciliation to bring when it answers again).
 */
public record RollbackRequest(@Positive Integer toVersion, Boolean allowSignatureChange, String offline) {

    public RollbackRequest(Integer toVersion) {
        this(toVersion, null, null);
    }

    /** A one-wave plan carrying the offline policy; null without one (all or nothing). */
    WavePlan plan() {
        return offline == null ? null : WavePlan.single(0, offline);
    }

    boolean signatureChangeAllowed() {
        return Boolean.TRUE.equals(allowSignatureChange);
    }
}
