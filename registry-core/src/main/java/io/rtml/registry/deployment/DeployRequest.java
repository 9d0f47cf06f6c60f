package io.rtml.registry.deployment;

import jakarta.validation.constraints.Positive;
import tools.jackson.databind.JsonNode;

/**
 * Body of {@code POST /api/v1/services/{name}/deployments}: a version number or an alias, and the
 * targets as a list of names, {@code "all"} (the default), or a selector {@code {kind, region}}.
 */
public record DeployRequest(@Positive Integer version, String alias, JsonNode targets) {}
