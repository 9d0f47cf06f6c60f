package io.rtml.registry.deployment;

import io.rtml.deployment.DeploymentKind;

import jakarta.validation.constraints.Positive;
import tools.jackson.databind.JsonNode;

/**
 * Body of {@code POST /api/v1/services/{name}/deployments}: a version number or an alias, and the
 * targets as a list of names, {@code "all"} (the default), or a selector {@code {kind, region}}.
 * With {@code kind: "UNDEPLOY"} (and no version or alias) the service is taken off those targets
 * instead; {@code kind} defaults to DEPLOY (a ROLLBACK has its own endpoint).
 */
public record DeployRequest(@Positive Integer version, String alias, JsonNode targets, DeploymentKind kind) {

    public DeployRequest(Integer version, String alias, JsonNode targets) {
        this(version, alias, targets, null);
    }

    boolean undeploys() {
        return kind == DeploymentKind.UNDEPLOY;
    }
}
