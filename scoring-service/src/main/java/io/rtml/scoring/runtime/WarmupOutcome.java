package io.rtml.scoring.runtime;

import java.time.Duration;

/**
 * How the warm-up of a version went. A failed warm-up does not refuse the version (the session
 * loaded, so real inputs may well run): it is recorded here, in the admin state and the stage
 * answer, and switches off batching, which it was there to probe.
 *
 * @param input what the warm-up fed: {@code example} (the version's example request) or
 *     {@code zeros} (built from the signature, dynamic dimensions as 1)
 * @param runTime the fastest warm-up run, i.e. the time one warmed-up prediction of the warm-up
 *     input takes; {@link Duration#ZERO} when the warm-up failed (nothing was measured)
 * @param error why the warm-up failed; null when it succeeded
 */
public record WarmupOutcome(boolean succeeded, String input, Duration runTime, String error) {

    static WarmupOutcome succeeded(String input, Duration runTime) {
        return new WarmupOutcome(true, input, runTime, null);
    }

    static WarmupOutcome failed(String input, String error) {
        return new WarmupOutcome(false, input, Duration.ZERO, error);
    }

    /** {@code OK} or {@code FAILED}, as the admin API shows it. */
    public String status() {
        return succeeded ? "OK" : "FAILED";
    }
}
