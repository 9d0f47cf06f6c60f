package io.rtml.registry.deployment;

import io.rtml.deployment.DeploymentKind;

import jakarta.validation.constraints.Positive;
import tools.jackson.databind.JsonNode;

/**
 * Body of {@code POST /api/v1/services/{name}/deployments}: a version number or an alias, and the
 * targets as a list of names, {@code "all"} (the default), or a selector {@code {kind, region}}.
 * With {@code kind: "UNDEPLOY"} (and no version or alias) the service is taken off those targets
 * instead; {@code kind} defaults to DEPLOY (a ROLLBACK has its own endpoint). A version whose
 * signature breaks the callers of the active version is refused (409 SIGNATURE_INCOMPATIBLE) unless
 * {@code allowSignatureChange} is true.
 */
public record DeployRequest(@Positive Integer version, String alias, JsonNode targets, DeploymentKind kind,
        Boolean allowSignatureChange) {

    public DeployRequest(Integer version, String alias, JsonNode targets) {
        this(version, alias, targets, null, null);
    }

    public DeployRequest(Integer version, String alias, JsonNode targets, DeploymentKind kind) {
        this(version, alias, targets, kind, null);
    }

    boolean signatureChangeAllowed() {
        return Boolean.TRUE.equals(allowSignatureChange);
    }

    boolean undeploys() {
        return kind == DeploymentKind.UNDEPLOY;
    }
}
