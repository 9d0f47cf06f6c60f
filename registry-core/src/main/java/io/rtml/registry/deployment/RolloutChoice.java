package io.rtml.registry.deployment;

import io.rtml.deployment.Rollout;
import io.rtml.deployment.WavePlan;
import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * How a deployment reaches its targets: the rollout fields of a deployment request, with its names.
 * Either a {@code strategy} (canary, linear or shadow) judged by {@code guardrails}, or a wave plan
 * ({@code waves}, {@code bakeSeconds}, {@code maxFailedPercent}, {@code offline}), or neither: every
 * target at once. {@code strategy: {"type": "all-at-once"}} says "every target at once" explicitly,
 * which is how a request sets aside the service's default rollout. A service's {@code defaultRollout}
 * is one of these, checked by the same {@link #resolve} as a request's, so a default the registry
 * stores is one a deployment can carry out.
 */
public record RolloutChoice(DeployRequest.Strategy strategy, Rollout.Guardrails guardrails, List<WavePlan.Wave> waves,
        Integer bakeSeconds, Integer maxFailedPercent, String offline) {

    /** The strategy type that asks for no progressive rollout: every target switches at once. */
    public static final String ALL_AT_ONCE = "all-at-once";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What a choice comes to: a validated, normalised rollout or an unassigned wave plan (at most one), or neither. */
    public record Resolved(Rollout rollout, WavePlan plan) {
        static final Resolved AT_ONCE = new Resolved(null, null);
    }

    /** True when it says nothing: a request like that takes the service's default. */
    public boolean saysNothing() {
        return strategy == null && guardrails == null && waves == null && bakeSeconds == null
                && maxFailedPercent == null && offline == null;
    }

    /** True when it is an explicit all-at-once strategy. */
    boolean allAtOnce() {
        return strategy != null && ALL_AT_ONCE.equals(strategy.type());
    }

    /** The wave plan it asks for, not yet checked; null when it asks for none. */
    WavePlan plan() {
        if (waves == null && bakeSeconds == null && maxFailedPercent == null && offline == null) {
            return null;
        }
        return new WavePlan(waves == null ? List.of(new WavePlan.Wave(null, 100, null)) : waves,
                bakeSeconds == null ? 0 : bakeSeconds, maxFailedPercent == null ? 0 : maxFailedPercent,
                offline == null ? WavePlan.FAIL : offline);
    }

    /**
     * Checks it as a deployment would carry it out: 400 VALIDATION_FAILED listing every problem, each as a
     * field error named {@code prefix} + the field ({@code "strategy.steps"}, or
     * {@code "defaultRollout.strategy.steps"} for a service's default). The guardrails left out are
     * filled from {@code defaults}.
     */
    public Resolved resolve(String prefix, Rollout.Guardrails defaults) {
        WavePlan plan = plan();
        if (allAtOnce()) {
            List<String> extra = new ArrayList<>();
            DeployRequest.Strategy s = strategy;
            if (s.steps() != null || s.stepPercent() != null || s.bakeSeconds() != null || s.percent() != null
                    || s.durationSeconds() != null) {
                extra.add("strategy: an all-at-once strategy has no steps, stepPercent, bakeSeconds, percent or"
                        + " durationSeconds");
            }
            if (guardrails != null) {
                extra.add("guardrails: nothing is judged when every target switches at once");
            }
            if (plan != null) {
                extra.add("strategy: all-at-once is not combined with waves, bakeSeconds, maxFailedPercent or"
                        + " offline; give the wave fields alone to deploy in waves");
            }
            fail(prefix, extra);
            return Resolved.AT_ONCE;
        }
        if (strategy == null) {
            if (guardrails != null) {
                fail(prefix, List.of("guardrails need a strategy"));
            }
            if (plan == null) {
                return Resolved.AT_ONCE;
            }
            fail(prefix, plan.problems());
            return new Resolved(null, plan);
        }
        if (plan != null) {
            throw new RtmlException(ErrorCode.VALIDATION_FAILED, prefix + "waves and offline are not combined with a"
                    + " rollout strategy: a canary, linear or shadow rollout stages every target and shifts traffic on"
                    + " all of them at once; deploy in waves, or roll out one set of targets at a time with a selector",
                    List.of(new RtmlException.FieldError(prefix + "strategy", "not with waves, bakeSeconds,"
                            + " maxFailedPercent or offline")), null);
        }
        if (strategy.type() == null || !List.of(Rollout.CANARY, Rollout.LINEAR, Rollout.SHADOW).contains(strategy.type())) {
            fail(prefix, List.of("strategy.type must be canary, linear or shadow (or all-at-once: every target at"
                    + " once)"));
        }
        Rollout rollout = strategy.rollout(guardrails);
        fail(prefix, rollout.problems());
        return new Resolved(rollout.normalised(defaults), null);
    }

    /**
     * This choice as a service's {@code defaultRollout}: checked as a deployment would check it (400 naming
     * {@code defaultRollout.…}), stored as given so that the registry's guardrail defaults apply as they
     * are when a deployment uses it; null when it asks for nothing (empty, or all-at-once).
     */
    public RolloutChoice asDefault() {
        Resolved resolved = resolve("defaultRollout.", null);
        return resolved.rollout() == null && resolved.plan() == null ? null : this;
    }

    /** The problems as one 400 problem (detail and one field error each); nothing when there are none. */
    private static void fail(String prefix, List<String> problems) {
        if (problems.isEmpty()) {
            return;
        }
        List<String> named = problems.stream().map(p -> prefix + p).toList();
        throw new RtmlException(ErrorCode.VALIDATION_FAILED, String.join("; ", named),
                named.stream().map(p -> new RtmlException.FieldError(Selectors.field(p), p)).toList(), null);
    }

    /** As stored in {@code service.default_rollout}; null for none. */
    public String toJson() {
        return JSON.writeValueAsString(this);
    }

    public static RolloutChoice fromJson(String json) {
        return json == null ? null : JSON.readValue(json, RolloutChoice.class);
    }
}
