package io.rtml.scoring.admin;

import io.rtml.scoring.runtime.WarmupOutcome;
import java.util.List;

/** What the admin calls answer; the deployer reads these. Times are ISO-8601 instants. */
final class AdminResponses {

    private AdminResponses() {}

    /** {@code warmup}: how the version's warm-up went (a failed one is recorded, not refused). */
    record Staged(String service, int version, String versionId, String sha256, String status, boolean downloaded,
            boolean alreadyLoaded, Warmup warmup) {}

    /**
     * {@code status} OK or FAILED; {@code input} example or zeros; {@code runMicros} the fastest
     * warm-up run (0 when it failed); {@code error} why it failed.
     */
    record Warmup(String status, String input, long runMicros, String error) {

        static Warmup of(WarmupOutcome outcome) {
            return outcome == null ? null : new Warmup(outcome.status(), outcome.input(),
                    outcome.runTime().toNanos() / 1000, outcome.error());
        }
    }

    /** The stage is still running after the time the caller was willing to wait: ask again. */
    record StillStaging(String service, int version, String status) {}

    record Activated(String service, int version, Integer previousVersion, String activeSince) {}

    record Unloaded(String service, int version) {}

    /** A whole service removed; {@code versions} empty when the node did not hold it (a repeated call). */
    record Removed(String service, boolean removed, List<Integer> versions) {}

    record NodeView(String name, String kind, String region) {}

    /**
     * {@code batching}: whether concurrent requests are merged into one run; {@code predictions}
     * and {@code runs}: requests answered and the ONNX Runtime runs that answered them, since load.
     */
    record VersionView(int version, String versionId, String sha256, long sizeBytes, boolean active,
            String loadedAt, String file, boolean batching, long predictions, long runs, Warmup warmup) {}

    /** {@code traffic}: the split, or null when every request goes to the active version. */
    record ServiceView(String service, Integer activeVersion, String activeSince, Traffic traffic,
            ShadowView shadow, List<VersionView> versions) {}

    /** A shadow as the admin API shows it: {@code candidate} null and percent 0 when none. */
    record ShadowView(String service, Integer activeVersion, Integer candidate, int percent, Double tolerance) {

        static ShadowView of(String service, io.rtml.scoring.runtime.ServiceSlot slot) {
            io.rtml.scoring.runtime.ServiceSlot.Shadow shadow = slot.shadow();
            io.rtml.scoring.runtime.ServiceSlot.Active active = slot.active();
            return new ShadowView(service, active == null ? null : active.version().version(),
                    shadow == null ? null : shadow.candidate(), shadow == null ? 0 : shadow.percent(),
                    shadow == null ? null : shadow.tolerance());
        }
    }

    /** A traffic split as the admin API shows it: {@code candidate} null and percent 0 when none. */
    record Traffic(String service, Integer activeVersion, Integer candidate, int percent) {

        static Traffic of(String service, io.rtml.scoring.runtime.ServiceSlot slot) {
            io.rtml.scoring.runtime.ServiceSlot.Split split = slot.split();
            io.rtml.scoring.runtime.ServiceSlot.Active active = slot.active();
            return new Traffic(service, active == null ? null : active.version().version(),
                    split == null ? null : split.candidate(), split == null ? 0 : split.percent());
        }
    }

    record State(NodeView node, boolean ready, List<ServiceView> services) {}
}
