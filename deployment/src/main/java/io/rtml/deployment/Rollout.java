package io.rtml.deployment;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * How a deployment reaches its targets when not all at once: {@code canary} (the candidate gets each
 * share in {@code steps}, in percent, for {@code bakeSeconds}, then a decision), {@code linear}
 * (the same with steps of {@code stepPercent}), or {@code shadow} (the candidate scores
 * {@code percent} of the requests after the reply for {@code durationSeconds}; it never serves).
 * Stored validated and normalised (a linear strategy with its steps computed) in
 * {@code deployment.rollout}; the deployer reads it from there.
 */
public record Rollout(String type, List<Integer> steps, Integer stepPercent, int bakeSeconds, Integer percent,
        Integer durationSeconds, Guardrails guardrails) {

    public static final String CANARY = "canary";
    public static final String LINEAR = "linear";
    public static final String SHADOW = "shadow";

    private static final JsonMapper JSON = WholeNumbers.strictMapper().build();

    /**
     * The limits a step's window is judged by; a null limit is not checked.
     *
     * @param maxErrorRatio the candidate's failed requests in the window (server errors, and client errors beyond
     *     the stable version's share of them) over its requests, or over {@code minRequests} while it has fewer
     * @param maxP99Millis the candidate's 99th latency percentile, from the node's histogram buckets
     * @param maxPsi population stability index of the candidate's output histogram against the stable
     *     version's over the same window
     * @param minRequests fewer candidate requests than this in a window: no decision, the step waits
     */
    public record Guardrails(Double maxErrorRatio, Double maxP99Millis, Double maxPsi, Long minRequests) {

        /** Each limit of {@code this}, or of {@code defaults} where this one has none. */
        public Guardrails orElse(Guardrails defaults) {
            if (defaults == null) {
                return this;
            }
            return new Guardrails(maxErrorRatio != null ? maxErrorRatio : defaults.maxErrorRatio,
                    maxP99Millis != null ? maxP99Millis : defaults.maxP99Millis,
                    maxPsi != null ? maxPsi : defaults.maxPsi,
                    minRequests != null ? minRequests : defaults.minRequests);
        }

        long minRequestsOrOne() {
            return minRequests == null ? 1 : Math.max(1, minRequests);
        }
    }

    /** The steps of a linear rollout: {@code stepPercent}, twice that, … up to 100. */
    public static List<Integer> linearSteps(int stepPercent) {
        List<Integer> steps = new ArrayList<>();
        for (int p = stepPercent; p < 100; p += stepPercent) {
            steps.add(p);
        }
        steps.add(100);
        return steps;
    }

    /** What is wrong with this strategy, one line each; empty when it can be carried out. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (type == null || !List.of(CANARY, LINEAR, SHADOW).contains(type)) {
            problems.add("strategy.type must be canary, linear or shadow");
            return problems;
        }
        if (type.equals(SHADOW)) {
            if (percent == null || percent < 1 || percent > 100) {
                problems.add("strategy.percent must be 1..100");
            }
            if (durationSeconds == null || durationSeconds < 1) {
                problems.add("strategy.durationSeconds must be at least 1");
            }
        } else {
            if (bakeSeconds < 1) {
                problems.add("strategy.bakeSeconds must be at least 1");
            }
            if (type.equals(LINEAR) && (stepPercent == null || stepPercent < 1 || stepPercent > 100)) {
                problems.add("strategy.stepPercent must be 1..100");
            }
            if (type.equals(CANARY)) {
                stepProblems(problems);
            }
        }
        if (guardrails != null) {
            if (guardrails.maxErrorRatio != null && (guardrails.maxErrorRatio < 0 || guardrails.maxErrorRatio > 1)) {
                problems.add("guardrails.maxErrorRatio must be 0..1");
            }
            if (guardrails.maxP99Millis != null && guardrails.maxP99Millis <= 0) {
                problems.add("guardrails.maxP99Millis must be positive");
            }
            if (guardrails.maxPsi != null && guardrails.maxPsi <= 0) {
                problems.add("guardrails.maxPsi must be positive");
            }
            if (guardrails.minRequests != null && guardrails.minRequests < 1) {
                problems.add("guardrails.minRequests must be at least 1");
            }
        }
        return problems;
    }

    private void stepProblems(List<String> problems) {
        if (steps == null || steps.isEmpty()) {
            problems.add("strategy.steps must list the candidate's shares in percent, ending at 100");
            return;
        }
        for (int i = 0; i < steps.size(); i++) {
            Integer step = steps.get(i);
            if (step == null || step < 1 || step > 100) {
                problems.add("strategy.steps must be 1..100: " + steps);
                return;
            }
            if (i > 0 && step <= steps.get(i - 1)) {
                problems.add("strategy.steps must ascend: " + steps);
                return;
            }
        }
        if (steps.get(steps.size() - 1) != 100) {
            problems.add("strategy.steps must end at 100: " + steps);
        }
    }

    /** A valid strategy as stored: a linear one with its steps, the service's guardrail defaults filled in. */
    public Rollout normalised(Guardrails defaults) {
        List<Integer> effectiveSteps = type.equals(LINEAR) ? linearSteps(stepPercent) : type.equals(SHADOW) ? null
                : List.copyOf(steps);
        Guardrails effective = guardrails == null ? defaults : guardrails.orElse(defaults);
        return new Rollout(type, effectiveSteps, stepPercent, bakeSeconds, percent, durationSeconds, effective);
    }

    public boolean shadow() {
        return SHADOW.equals(type);
    }

    public String toJson() {
        return JSON.writeValueAsString(this);
    }

    public static Rollout fromJson(String json) {
        return json == null ? null : JSON.readValue(json, Rollout.class);
    }
}
