package io.rtml.deployer.telemetry;

import io.rtml.deployment.WholeNumbers;
import io.rtml.deployer.rollout.VersionFigures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Turns two consecutive cumulative snapshots of one node ({@code GET /admin/v1/telemetry}) into
 * one window per service and version: what each version did between the two reads. A version
 * loaded (or reloaded) in between counts from zero; a standby version that served nothing is left
 * out, the active version and a split's or shadow's candidate are kept even when idle, so a chart
 * shows their rate falling to zero.
 */
final class TelemetryWindows {

    /** One version's window on one target. */
    record Window(String service, int version, String role, Instant from, Instant to, VersionFigures figures) {}

    private TelemetryWindows() {}

    static List<Window> between(JsonNode previous, Instant from, JsonNode current, Instant to) {
        List<Window> windows = new ArrayList<>();
        if (!current.path("enabled").asBoolean(true)) {
            return windows;
        }
        for (JsonNode s : current.path("services")) {
            String service = s.path("service").asString(null);
            if (service == null) {
                continue;
            }
            for (JsonNode v : s.path("versions")) {
                int version = WholeNumbers.intOf(v, "version", -1);
                String role = v.path("role").asString("standby");
                VersionFigures now = VersionFigures.of(current, service, version);
                VersionFigures window = now.minus(VersionFigures.of(previous, service, version));
                if (version < 0 || window.requests() == 0 && "standby".equals(role)) {
                    continue;
                }
                windows.add(new Window(service, version, role, from, to, window));
            }
        }
        return windows;
    }
}
