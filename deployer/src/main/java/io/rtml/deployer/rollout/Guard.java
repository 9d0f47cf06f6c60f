package io.rtml.deployer.rollout;

import io.rtml.deployment.Rollout.Guardrails;
import io.rtml.deployment.RolloutState.Measurements;
import io.rtml.deployment.RolloutState.ShadowWindow;
import io.rtml.deployment.RolloutState.VersionWindow;
import java.time.Instant;

/** Judges one window of a rollout step against the deployment's guardrails. */
public final class Guard {

    /** PROMOTE: every limit held; WAIT: too few candidate requests to tell; ROLL_BACK: a limit was crossed. */
    public enum Verdict { PROMOTE, WAIT, ROLL_BACK }

    /** A verdict and the line that explains it. */
    public record Judgement(Verdict verdict, String reason) {}

    private Guard() {}

    /** The window of the stable and the candidate version, summed over the targets. */
    public static Measurements measure(Instant from, Instant to, int stableVersion, VersionFigures stable,
            int candidateVersion, VersionFigures candidate) {
        return new Measurements(from, to, window(stableVersion, stable), window(candidateVersion, candidate),
                candidate.output().psi(stable.output()), null);
    }

    /** A shadow rollout's window: the candidate's shadow runs, and the stable version's served requests. */
    public static Measurements measureShadow(Instant from, Instant to, int stableVersion, VersionFigures stable,
            int candidateVersion, VersionFigures candidate) {
        ShadowFigures s = candidate.shadow();
        ShadowWindow shadow = new ShadowWindow(candidateVersion, s.compared(), s.agreed(), s.failed(), s.dropped(),
                s.compared() == 0 ? null : (double) s.agreed() / s.compared(),
                millis(s.latencySeconds().quantile(0.5)), millis(s.latencySeconds().quantile(0.99)));
        return new Measurements(from, to, window(stableVersion, stable), window(candidateVersion, candidate), null,
                shadow);
    }

    static VersionWindow window(int version, VersionFigures f) {
        return new VersionWindow(version, f.requests(), f.clientErrors(), f.serverErrors(), f.errorRatio(),
                millis(f.latencySeconds().quantile(0.5)), millis(f.latencySeconds().quantile(0.99)));
    }

    private static Double millis(Double seconds) {
        return seconds == null ? null : seconds * 1000;
    }

    /**
     * The error ratio is judged first: the candidate's failed requests (server and client errors)
     * beyond the share of client errors the stable version sees in the same window (malformed
     * requests fail on every version). It is judged as soon as the window has enough failures to
     * cross the limit even if all the requests still missing to {@code minRequests} were fine, so a
     * failing candidate is rolled back without waiting for more traffic. The other limits need
     * {@code minRequests} candidate requests; the output shift also needs as many on the stable version.
     */
    public static Judgement judge(Guardrails limits, Measurements m) {
        VersionWindow c = m.candidate();
        long min = limits.minRequests() == null ? 1 : Math.max(1, limits.minRequests());
        double callersOwn = m.stable().requests() == 0 ? 0 : (double) m.stable().clientErrors() / m.stable().requests();
        double excess = c.serverErrors() + c.clientErrors() - callersOwn * c.requests();
        if (limits.maxErrorRatio() != null && c.requests() > 0
                && excess / Math.max(c.requests(), min) > limits.maxErrorRatio()) {
            return new Judgement(Verdict.ROLL_BACK, String.format("error ratio %.4f of version %d over %d requests"
                    + " (version %d: %.4f) is above the limit %.4f", c.errorRatio(), c.version(), c.requests(),
                    m.stable().version(), m.stable().errorRatio(), limits.maxErrorRatio()));
        }
        if (c.requests() < min) {
            return new Judgement(Verdict.WAIT, "version " + c.version() + " had " + c.requests()
                    + " requests in the window, fewer than the " + min + " a decision needs");
        }
        if (limits.maxP99Millis() != null && c.p99Millis() != null && c.p99Millis() > limits.maxP99Millis()) {
            return new Judgement(Verdict.ROLL_BACK, String.format("p99 latency %.2f ms of version %d is above the"
                    + " limit %.2f ms", c.p99Millis(), c.version(), limits.maxP99Millis()));
        }
        if (limits.maxPsi() != null && m.psi() != null && m.stable().requests() >= min && m.psi() > limits.maxPsi()) {
            return new Judgement(Verdict.ROLL_BACK, String.format("output distribution of version %d shifted from"
                    + " version %d's: PSI %.3f is above the limit %.3f", c.version(), m.stable().version(), m.psi(),
                    limits.maxPsi()));
        }
        return new Judgement(Verdict.PROMOTE, String.format("version %d held every limit over %d requests"
                + " (error ratio %.4f%s%s)", c.version(), c.requests(), c.errorRatio(),
                c.p99Millis() == null ? "" : String.format(", p99 %.2f ms", c.p99Millis()),
                m.psi() == null ? "" : String.format(", PSI %.3f", m.psi())));
    }
}
