package io.rtml.scoring.admin;

import io.rtml.scoring.runtime.LoadedVersion;
import io.rtml.scoring.runtime.ServiceSlot;
import io.rtml.scoring.runtime.Services;
import io.rtml.scoring.telemetry.VersionTelemetry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /admin/v1/telemetry}: every loaded version's cumulative figures, for a collector that
 * subtracts two snapshots to get a window's rate, error ratio, quantiles and output distribution.
 * The node keeps no windows, so any number of collectors can poll it at any pace.
 */
final class TelemetryView {

    record Snapshot(String takenAt, boolean enabled, List<ServiceTelemetry> services) {}

    record ServiceTelemetry(String service, Integer active, List<VersionFigures> versions) {}

    record VersionFigures(int version, String role, String loadedAt, VersionTelemetry.Summary telemetry) {}

    private final Services services;
    private final boolean enabled;

    TelemetryView(Services services, boolean enabled) {
        this.services = services;
        this.enabled = enabled;
    }

    Snapshot snapshot() {
        String takenAt = Instant.now().toString();
        List<ServiceTelemetry> list = new ArrayList<>();
        for (ServiceSlot slot : services.all()) {
            ServiceSlot.Active active = slot.active();
            List<VersionFigures> versions = new ArrayList<>();
            for (LoadedVersion v : slot.versions()) {
                String role = active != null && active.version() == v ? "active" : "standby";
                versions.add(new VersionFigures(v.version(), role, v.loadedAt().toString(), v.telemetry().summary()));
            }
            list.add(new ServiceTelemetry(slot.name(), active == null ? null : active.version().version(), versions));
        }
        return new Snapshot(takenAt, enabled, list);
    }
}
