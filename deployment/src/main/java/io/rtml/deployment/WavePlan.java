package io.rtml.deployment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * How a deployment reaches a fleet: ordered {@code waves}, each all-or-nothing on its own targets
 * (stage there, activate there only if every target of the wave staged), a bake of
 * {@code bakeSeconds} after each wave but the last (a wave's own {@code bakeSeconds} wins), and one
 * abort threshold for the whole deployment: once more than {@code maxFailedPercent} of its targets
 * have failed, every wave already switched goes back to its previous version and the deployment
 * ends FAILED. {@code offline}: {@link #FAIL} (the default: a target that cannot be reached fails like
 * any other) or {@link #CONVERGE} (an unreachable target is left PENDING, does not count as failed, and
 * is brought to the version by reconciliation when it answers again).
 *
 * <p>A wave takes the targets not in an earlier wave that match its {@code selector}, or, with
 * {@code percent}, enough of them (in name order) that the waves so far hold that share of the
 * deployment's targets, rounded up. Stored validated in {@code deployment.plan}; the registry records
 * each target's wave in {@code deployment_target.wave}.
 */
public record WavePlan(List<Wave> waves, int bakeSeconds, int maxFailedPercent, String offline) {

    public static final String FAIL = "fail";
    public static final String CONVERGE = "converge";

    private static final JsonMapper JSON = WholeNumbers.strictMapper().build();

    /** One wave: a selector or a cumulative percentage; {@code bakeSeconds} null: the plan's. */
    public record Wave(String selector, Integer percent, Integer bakeSeconds) {

        @Override
        public String toString() {
            return selector != null ? "selector " + selector : percent + "%";
        }
    }

    /** A target to place in a wave: its id and what a selector sees of it ({@link LabelSelector#attributes}). */
    public record Candidate(long id, Map<String, String> attributes) {}

    /** A single wave of every target: the default plan with an offline policy only. */
    public static WavePlan single(int maxFailedPercent, String offline) {
        return new WavePlan(List.of(new Wave(null, 100, null)), 0, maxFailedPercent, offline);
    }

    public boolean converges() {
        return CONVERGE.equals(offline);
    }

    /** The bake after wave {@code index}. */
    public int bakeAfter(int index) {
        Integer own = waves.get(index).bakeSeconds();
        return own != null ? own : bakeSeconds;
    }

    /**
     * What is wrong with this plan, one line each with the field it concerns; empty when it can be
     * carried out. A selector that does not parse is reported with its position.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (waves == null || waves.isEmpty()) {
            problems.add("waves must list at least one wave");
        } else {
            int lastPercent = 0;
            for (int n = 0; n < waves.size(); n++) {
                Wave wave = waves.get(n);
                String field = "waves[" + n + "]";
                if (wave == null || (wave.selector() == null) == (wave.percent() == null)) {
                    problems.add(field + " must have either a selector or a percent");
                    continue;
                }
                if (wave.selector() != null) {
                    try {
                        LabelSelector.parse(wave.selector());
                    } catch (LabelSelector.SelectorException e) {
                        problems.add(field + ".selector: " + e.getMessage());
                    }
                } else if (wave.percent() < 1 || wave.percent() > 100) {
                    problems.add(field + ".percent must be 1..100");
                } else if (wave.percent() <= lastPercent) {
                    problems.add(field + ".percent must be above the earlier waves' " + lastPercent
                            + " (percentages are cumulative)");
                } else {
                    lastPercent = wave.percent();
                }
                if (wave.bakeSeconds() != null && (wave.bakeSeconds() < 0 || wave.bakeSeconds() > 86_400)) {
                    problems.add(field + ".bakeSeconds must be 0..86400");
                }
            }
        }
        if (bakeSeconds < 0 || bakeSeconds > 86_400) {
            problems.add("bakeSeconds must be 0..86400");
        }
        if (maxFailedPercent < 0 || maxFailedPercent > 100) {
            problems.add("maxFailedPercent must be 0..100");
        }
        if (!FAIL.equals(offline) && !CONVERGE.equals(offline)) {
            problems.add("offline must be \"fail\" or \"converge\"");
        }
        return problems;
    }

    /**
     * Places the candidates (in the order given: the registry passes them by name) into waves;
     * returns target id → wave index, in wave order. Candidates no wave takes are left out of the
     * deployment.
     */
    public Map<Long, Integer> assign(List<Candidate> candidates) {
        Map<Long, Integer> waveOf = new LinkedHashMap<>();
        int total = candidates.size();
        for (int n = 0; n < waves.size(); n++) {
            Wave wave = waves.get(n);
            if (wave.selector() != null) {
                LabelSelector selector = LabelSelector.parse(wave.selector());
                for (Candidate c : candidates) {
                    if (!waveOf.containsKey(c.id()) && selector.matches(c.attributes())) {
                        waveOf.put(c.id(), n);
                    }
                }
            } else {
                int wanted = (int) Math.ceil(total * wave.percent() / 100.0) - waveOf.size();
                for (Candidate c : candidates) {
                    if (wanted <= 0) {
                        break;
                    }
                    if (!waveOf.containsKey(c.id())) {
                        waveOf.put(c.id(), n);
                        wanted--;
                    }
                }
            }
        }
        return waveOf;
    }

    public String toJson() {
        return JSON.writeValueAsString(this);
    }

    public static WavePlan fromJson(String json) {
        return json == null ? null : JSON.readValue(json, WavePlan.class);
    }
}
