package io.rtml.registry.deployment;

import io.rtml.deployment.DeploymentKind;
import io.rtml.deployment.Rollout;
import jakarta.validation.constraints.Positive;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Body of {@code POST /api/v1/services/{name}/deployments}: a version number or an alias, and the
 * targets as a list of names, {@code "all"} (the default), or a selector {@code {kind, region}}.
 * With {@code kind: "UNDEPLOY"} (and no version or alias) the service is taken off those targets
 * instead; {@code kind} defaults to DEPLOY (a ROLLBACK has its own endpoint). A version whose
 * signature breaks the callers of the active version is refused (409 SIGNATURE_INCOMPATIBLE) unless
 * {@code allowSignatureChange} is true. A {@code strategy} rolls the version out progressively
 * (canary, linear or shadow, judged by {@code guardrails}; the service's defaults fill the limits left
 * out); without one every target switches at once.
 */
public record DeployRequest(@Positive Integer version, String alias, JsonNode targets, DeploymentKind kind,
        Boolean allowSignatureChange, Strategy strategy, Rollout.Guardrails guardrails) {

    /** The {@code strategy} object of the request; see {@link Rollout}. */
    public record Strategy(String type, List<Integer> steps, Integer stepPercent, Integer bakeSeconds,
            Integer percent, Integer durationSeconds) {

        Rollout rollout(Rollout.Guardrails guardrails) {
            return new Rollout(type, steps, stepPercent, bakeSeconds == null ? 60 : bakeSeconds, percent,
                    durationSeconds, guardrails);
        }
    }

    boolean signatureChangeAllowed() {
        return Boolean.TRUE.equals(allowSignatureChange);
    }

    boolean undeploys() {
        return kind == DeploymentKind.UNDEPLOY;
    }
}
