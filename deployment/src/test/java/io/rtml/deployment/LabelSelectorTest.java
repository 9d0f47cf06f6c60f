package io.rtml.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorTest {

    private static final Map<String, String> EU_EDGE = LabelSelector.attributes("edge-eu-1", "EDGE", "eu",
            Map.of("tier", "edge", "canary", "true"));
    private static final Map<String, String> HUB = LabelSelector.attributes("hub", "HUB", "central", Map.of());

    @Test
    void everyOperatorMatchesAsInKubernetes() {
        assertThat(LabelSelector.parse("tier=edge,region in (eu,us)").matches(EU_EDGE)).isTrue();
        assertThat(LabelSelector.parse("tier=edge,region in (eu,us)").matches(HUB)).isFalse();
        assertThat(LabelSelector.parse("tier==edge").matches(EU_EDGE)).isTrue();
        assertThat(LabelSelector.parse("tier!=edge").matches(HUB)).as("a missing label is not equal").isTrue();
        assertThat(LabelSelector.parse("region notin (eu)").matches(EU_EDGE)).isFalse();
        assertThat(LabelSelector.parse("region notin (eu)").matches(HUB)).isTrue();
        assertThat(LabelSelector.parse("canary").matches(EU_EDGE)).isTrue();
        assertThat(LabelSelector.parse("!canary").matches(EU_EDGE)).isFalse();
        assertThat(LabelSelector.parse(" ! canary ").matches(HUB)).isTrue();
        assertThat(LabelSelector.parse("kind=hub").matches(HUB)).isTrue();
        assertThat(LabelSelector.parse("kind=HUB").matches(HUB)).as("kinds are compared in lower case").isTrue();
        assertThat(LabelSelector.parse("name=edge-eu-1").matches(EU_EDGE)).isTrue();
        assertThat(LabelSelector.parse("").matches(HUB)).as("empty selects everything").isTrue();
        assertThat(LabelSelector.parse("example.com/team in (a, b)").requirements()).hasSize(1);
    }

    @Test
    void badInputSaysWhereAndWhy() {
        assertProblem("tier=", 6, "expected a value, found the end");
        assertProblem("tier=edge,", 11, "expected a requirement after ','");
        assertProblem("tier=edge region=eu", 11, "expected ',' or the end");
        assertProblem("region in eu", 11, "expected '(' to open the list of values");
        assertProblem("region in (eu,us", 17, "the list is not closed");
        assertProblem("region in (eu;us)", 14, "expected ',' or ')'");
        assertProblem("region on (eu)", 8, "expected '=', '==', '!=', 'in' or 'notin' after key 'region', found 'on'");
        assertProblem("=edge", 1, "expected a label key");
        assertProblem("-tier=edge", 1, "must start and end with a letter or digit");
        assertProblem("tier=ed ge", 9, "expected ',' or the end");
        assertProblem("tier=é", 6, "expected a value");
    }

    private static void assertProblem(String selector, int position, String reason) {
        assertThatThrownBy(() -> LabelSelector.parse(selector)).isInstanceOfSatisfying(
                LabelSelector.SelectorException.class, e -> {
                    assertThat(e.position()).as(selector).isEqualTo(position);
                    assertThat(e.reason()).as(selector).contains(reason);
                });
    }

    @Test
    void wavesTakeSelectorsFirstThenCumulativeShares() {
        WavePlan plan = new WavePlan(List.of(new WavePlan.Wave("kind=hub", null, null),
                new WavePlan.Wave("canary=true", null, null), new WavePlan.Wave(null, 50, null),
                new WavePlan.Wave(null, 100, null)), 0, 0, WavePlan.FAIL);
        List<WavePlan.Candidate> fleet = List.of(
                new WavePlan.Candidate(1, LabelSelector.attributes("e1", "EDGE", "eu", Map.of("canary", "true"))),
                new WavePlan.Candidate(2, LabelSelector.attributes("e2", "EDGE", "eu", Map.of())),
                new WavePlan.Candidate(3, LabelSelector.attributes("e3", "EDGE", "eu", Map.of())),
                new WavePlan.Candidate(4, LabelSelector.attributes("e4", "EDGE", "eu", Map.of())),
                new WavePlan.Candidate(5, LabelSelector.attributes("e5", "EDGE", "eu", Map.of())),
                new WavePlan.Candidate(6, LabelSelector.attributes("hub", "HUB", "eu", Map.of())));
        // hub, then the canary, then up to 3 of 6 (one more), then the rest
        assertThat(plan.assign(fleet)).containsExactly(Map.entry(6L, 0), Map.entry(1L, 1), Map.entry(2L, 2),
                Map.entry(3L, 3), Map.entry(4L, 3), Map.entry(5L, 3));
    }

    @Test
    void aPlanListsEveryProblem() {
        WavePlan plan = new WavePlan(List.of(new WavePlan.Wave("tier in (", null, null),
                new WavePlan.Wave(null, 50, null), new WavePlan.Wave(null, 25, null),
                new WavePlan.Wave("a", 10, null)), -1, 101, "later");
        assertThat(plan.problems()).containsExactly(
                "waves[0].selector: selector 'tier in (' is not valid at position 10: expected a value, found the end",
                "waves[2].percent must be above the earlier waves' 50 (percentages are cumulative)",
                "waves[3] must have either a selector or a percent",
                "bakeSeconds must be 0..86400", "maxFailedPercent must be 0..100",
                "offline must be \"fail\" or \"converge\"");
    }
}
