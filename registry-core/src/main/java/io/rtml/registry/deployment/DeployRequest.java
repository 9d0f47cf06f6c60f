package io.rtml.registry.deployment;

import io.rtml.deployment.DeploymentKind;
import io.rtml.deployment.Rollout;
import io.rtml.deployment.WavePlan;
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
 * out); without one the service's {@code defaultRollout} applies
 * when the request gives none of the rollout fields ({@link RolloutChoice}), and {@code {"type": "all-at-once"}}
 * switches every target at once whatever the default. {@code selector} (a label selector) narrows the
 * targets. {@code waves}, {@code bakeSeconds}, {@code maxFailedPercent} and {@code offline} make a
 * {@link WavePlan}: ordered waves, each all or nothing, a bake between them, an abort threshold, and
 * whether an unreachable target fails ({@code "fail"}, the default) or is left to converge
 * ({@code "converge"}); any of them without {@code waves} means one wave of every target. An UNDEPLOY
 * takes {@code offline} alone: with {@code "converge"} an unreachable target is left PENDING and the
 * service removed from it by reconciliation when it answers again.
 */
public record DeployRequest(@Positive Integer version, String alias, JsonNode targets, DeploymentKind kind,
        Boolean allowSignatureChange, Strategy strategy, Rollout.Guardrails guardrails, String selector,
        List<WavePlan.Wave> waves, Integer bakeSeconds, Integer maxFailedPercent, String offline) {

    /** The {@code strategy} object of the request; see {@link Rollout}. */
    public record Strategy(String type, List<Integer> steps, Integer stepPercent, Integer bakeSeconds,
            Integer percent, Integer durationSeconds) {

        Rollout rollout(Rollout.Guardrails guardrails) {
            return new Rollout(type, steps, stepPercent, bakeSeconds == null ? 60 : bakeSeconds, percent,
                    durationSeconds, guardrails);
        }
    }

    /** Its rollout fields; empty when it gives none (the service's default rollout then applies). */
    public RolloutChoice choice() {
        return new RolloutChoice(strategy, guardrails, waves, bakeSeconds, maxFailedPercent, offline);
    }

    /** The wave plan the request asks for, not yet checked; null when it asks for none. */
    WavePlan plan() {
        return choice().plan();
    }

    /** An UNDEPLOY's one-wave plan carrying its offline policy; null without one (all or nothing). */
    WavePlan undeployPlan() {
        return offline == null ? null : WavePlan.single(0, offline);
    }

    boolean signatureChangeAllowed() {
        return Boolean.TRUE.equals(allowSignatureChange);
    }

    boolean undeploys() {
        return kind == DeploymentKind.UNDEPLOY;
    }
}
