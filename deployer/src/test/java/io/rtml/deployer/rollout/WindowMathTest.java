package io.rtml.deployer.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.rtml.deployment.Histogram;
import io.rtml.deployment.Rollout.Guardrails;
import io.rtml.deployment.RolloutState.Measurements;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The arithmetic of a rollout window with numbers worked out by hand. */
class WindowMathTest {

    private static final double[] BOUNDS = {0.001, 0.002, 0.004, 0.008};

    @Test
    void quantilesInterpolateInsideTheirBucketLikePrometheus() {
        // 100 observations: 10 ≤ 1 ms, 40 in (1, 2], 40 in (2, 4], 10 in (4, 8].
        Histogram h = new Histogram(BOUNDS, new long[] {10, 50, 90, 100}, 100);

        assertThat(h.quantile(0.5)).isCloseTo(0.002, within(1e-12)); // rank 50: the top of the second bucket
        assertThat(h.quantile(0.7)).isCloseTo(0.003, within(1e-12)); // rank 70: half-way through (2, 4]
        assertThat(h.quantile(0.99)).isCloseTo(0.0076, within(1e-12)); // rank 99: 9/10 of (4, 8]
        assertThat(h.quantile(0.05)).isCloseTo(0.0005, within(1e-12)); // rank 5: half of [0, 1]
        assertThat(Histogram.EMPTY.quantile(0.99)).isNull();
    }

    @Test
    void aQuantileAboveTheHighestBoundIsThatBound() {
        Histogram h = new Histogram(BOUNDS, new long[] {0, 0, 0, 50}, 100); // half the requests took over 8 ms
        assertThat(h.quantile(0.99)).isEqualTo(0.008);
    }

    @Test
    void aWindowIsTheDifferenceOfTwoCumulativeSnapshots() {
        Histogram start = new Histogram(BOUNDS, new long[] {5, 5, 5, 5}, 6);
        Histogram end = new Histogram(BOUNDS, new long[] {15, 55, 95, 105}, 106);

        assertThat(end.minus(start)).isEqualTo(new Histogram(BOUNDS, new long[] {10, 50, 90, 100}, 100));
        assertThat(end.minus(start).plus(end.minus(start)))
                .isEqualTo(new Histogram(BOUNDS, new long[] {20, 100, 180, 200}, 200));
    }

    @Test
    void psiIsZeroForTheSameDistributionAndMatchesAHandComputedShift() {
        Histogram stable = new Histogram(new double[] {0.5}, new long[] {50}, 100); // 50 % / 50 %
        Histogram same = new Histogram(new double[] {0.5}, new long[] {500}, 1000);
        Histogram shifted = new Histogram(new double[] {0.5}, new long[] {20}, 100); // 20 % / 80 %

        assertThat(same.psi(stable)).isCloseTo(0, within(1e-12));
        // (0.2-0.5)·ln(0.2/0.5) + (0.8-0.5)·ln(0.8/0.5) = 0.3·ln 2.5 + 0.3·ln 1.6 = 0.3·ln 4
        assertThat(shifted.psi(stable)).isCloseTo(0.3 * Math.log(4), within(1e-12));
    }

    @Test
    void anEmptyBucketCountsAsATinyShareSoThePsiStaysFinite() {
        Histogram stable = new Histogram(new double[] {0.5}, new long[] {100}, 100); // all below 0.5
        Histogram moved = new Histogram(new double[] {0.5}, new long[] {0}, 100); // all above
        double e = Histogram.EMPTY_SHARE;
        double expected = 2 * (1 - e) * Math.log(1 / e);
        assertThat(moved.psi(stable)).isCloseTo(expected, within(1e-9)).isGreaterThan(18);
    }

    @Test
    void figuresAreReadFromTheNodesTelemetryAndAReloadRestartsTheWindow() {
        String json = """
                {"services":[{"service":"s","active":1,"versions":[
                  {"version":2,"role":"standby","loadedAt":"t2","telemetry":{
                    "requests":{"ok":90,"clientError":2,"serverError":8},
                    "latencySeconds":{"count":100,"sum":0.2,"buckets":[{"le":0.001,"count":10},{"le":0.002,"count":100}]},
                    "output":{"count":90,"sum":1,"buckets":[{"le":0.5,"count":45}]}}}]}]}""";
        VersionFigures f = VersionFigures.of(JsonMapper.builder().build().readTree(json), "s", 2);

        assertThat(f.requests()).isEqualTo(100);
        assertThat(f.errorRatio()).isEqualTo(0.1);
        assertThat(f.clientErrorRatio()).isEqualTo(0.02);
        assertThat(f.latencySeconds().count()).isEqualTo(100);
        assertThat(f.output().counts()).containsExactly(45);
        assertThat(VersionFigures.of(JsonMapper.builder().build().readTree(json), "s", 3)).isEqualTo(VersionFigures.NONE);

        VersionFigures earlier = new VersionFigures("t1", 1000, 0, 0, Histogram.EMPTY, Histogram.EMPTY);
        assertThat(f.minus(earlier)).as("loaded again since: counted from zero").isEqualTo(f);
        VersionFigures sameLoad = new VersionFigures("t2", 40, 1, 3, f.latencySeconds(), f.output());
        assertThat(f.minus(sameLoad).requests()).isEqualTo(56);
        assertThat(f.minus(sameLoad).serverErrors()).isEqualTo(5);
    }

    @Test
    void theGuardRollsBackOnErrorsWaitsForRequestsAndPromotesAHealthyCandidate() {
        Guardrails limits = new Guardrails(0.05, 50.0, 0.2, 100L);
        Histogram fast = new Histogram(BOUNDS, new long[] {10, 50, 90, 100}, 100);
        Histogram outputs = new Histogram(new double[] {0.5}, new long[] {50}, 100);
        VersionFigures stable = new VersionFigures(null, 1000, 0, 0, fast, outputs);

        VersionFigures healthy = new VersionFigures(null, 100, 0, 0, fast, outputs);
        assertThat(Guard.judge(limits, measure(stable, healthy)).verdict()).isEqualTo(Guard.Verdict.PROMOTE);

        VersionFigures failing = new VersionFigures(null, 80, 0, 20, fast, outputs);
        assertThat(Guard.judge(limits, measure(stable, failing)).verdict()).isEqualTo(Guard.Verdict.ROLL_BACK);
        assertThat(Guard.judge(limits, measure(stable, failing)).reason()).contains("error ratio 0.2000");

        VersionFigures few = new VersionFigures(null, 30, 0, 0, fast, outputs);
        assertThat(Guard.judge(limits, measure(stable, few)).verdict()).isEqualTo(Guard.Verdict.WAIT);
        VersionFigures refusing = new VersionFigures(null, 80, 20, 0, fast, outputs);
        assertThat(Guard.judge(limits, measure(stable, refusing)).verdict())
                .as("inputs the stable version answers are refused: a client error each, the candidate's fault")
                .isEqualTo(Guard.Verdict.ROLL_BACK);
        VersionFigures sloppyCallers = new VersionFigures(null, 900, 100, 0, fast, outputs);
        VersionFigures sameShare = new VersionFigures(null, 90, 10, 0, fast, outputs);
        assertThat(Guard.judge(limits, measure(sloppyCallers, sameShare)).verdict())
                .as("10% malformed requests on both versions are the callers'").isEqualTo(Guard.Verdict.PROMOTE);
        VersionFigures fewButFailing = new VersionFigures(null, 24, 0, 6, fast, outputs);
        assertThat(Guard.judge(limits, measure(stable, fewButFailing)).verdict())
                .as("6 errors are over 5% of the 100 requests a decision needs, whatever the rest do")
                .isEqualTo(Guard.Verdict.ROLL_BACK);

        Histogram slow = new Histogram(BOUNDS, new long[] {0, 0, 0, 0}, 100);
        VersionFigures slowCandidate = new VersionFigures(null, 100, 0, 0, slow, outputs);
        assertThat(Guard.judge(new Guardrails(0.05, 5.0, null, 100L), measure(stable, slowCandidate)).reason())
                .contains("p99 latency 8.00 ms");

        Histogram moved = new Histogram(new double[] {0.5}, new long[] {10}, 100);
        VersionFigures shifted = new VersionFigures(null, 100, 0, 0, fast, moved);
        assertThat(Guard.judge(limits, measure(stable, shifted)).reason()).contains("PSI");
    }

    private static Measurements measure(VersionFigures stable, VersionFigures candidate) {
        return Guard.measure(Instant.EPOCH, Instant.EPOCH.plusSeconds(60), 1, stable, 2, candidate);
    }
}
