package io.rtml.registry.deployment;

import io.rtml.deployment.LabelSelector;
import io.rtml.deployment.WavePlan;
import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.registry.target.Target;
import java.util.List;

/** Label selectors and wave plans as the API takes them: bad input is a 400 problem saying where and why. */
public final class Selectors {

    private Selectors() {}

    /**
     * Parses a selector given in {@code field}; 400 VALIDATION_FAILED with the position and the reason
     * (in the detail and in {@code errors[0].message}) when it is not valid.
     */
    public static LabelSelector parse(String selector, String field) {
        try {
            return LabelSelector.parse(selector);
        } catch (LabelSelector.SelectorException e) {
            throw new RtmlException(ErrorCode.VALIDATION_FAILED, field + ": " + e.getMessage(),
                    List.of(new RtmlException.FieldError(field, "position " + e.position() + ": " + e.reason())),
                    null);
        }
    }

    /** What a selector sees of a target. */
    static WavePlan.Candidate candidate(Target target) {
        return new WavePlan.Candidate(target.id(), LabelSelector.attributes(target.name(), target.kind().name(),
                target.region(), target.labels()));
    }

    /** A plan's problems as one 400 problem, one field error each. */
    static void check(WavePlan plan) {
        List<String> problems = plan.problems();
        if (!problems.isEmpty()) {
            throw new RtmlException(ErrorCode.VALIDATION_FAILED, String.join("; ", problems),
                    problems.stream().map(p -> new RtmlException.FieldError(field(p), p)).toList(), null);
        }
    }

    /** The field a problem line names: its first word. */
    static String field(String problem) {
        int end = 0;
        while (end < problem.length() && problem.charAt(end) != ' ' && problem.charAt(end) != ':') {
            end++;
        }
        return problem.substring(0, end);
    }
}
