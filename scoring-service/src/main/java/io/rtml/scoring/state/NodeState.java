package io.rtml.scoring.state;

import io.rtml.scoring.runtime.LoadedVersion;
import io.rtml.scoring.runtime.ServiceSlot;
import io.rtml.scoring.runtime.Services;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What this node serves, as saved in its state file: per service the active version and the
 * standby ones, each with its sha-256 and local file, so a restart can reload them without the
 * registry, the deployer or S3.
 */
public record NodeState(int format, List<ServiceState> services) {

    public static final int FORMAT = 1;

    /**
     * {@code traffic}: the traffic split (null: none), kept so that a restart resumes a rollout step;
     * {@code shadow} likewise for a shadow rollout (absent in files written before it was kept).
     */
    public record ServiceState(String service, Integer activeVersion, String activeSince, Traffic traffic,
            List<VersionState> versions, Shadow shadow) {}

    public record Traffic(int candidate, int percent) {}

    public record Shadow(int candidate, int percent, double tolerance) {}

    /** {@code example}: the version's example request (null: none), for the warm-up after a restart. */
    public record VersionState(int version, String versionId, String sha256, long sizeBytes, String file,
            List<String> featureNames, JsonNode example) {}

    public static NodeState empty() {
        return new NodeState(FORMAT, List.of());
    }

    public static NodeState capture(Services services) {
        List<ServiceState> list = new ArrayList<>();
        for (ServiceSlot slot : services.all()) {
            ServiceSlot.Active active = slot.active();
            List<VersionState> versions = new ArrayList<>();
            for (LoadedVersion v : slot.versions()) {
                versions.add(new VersionState(v.version(), v.versionId(), v.sha256(), v.sizeBytes(),
                        v.file().toString(), v.signature().featureNames(),
                        v.example() == null ? null : v.example().json()));
            }
            if (!versions.isEmpty()) {
                ServiceSlot.Split split = slot.split();
                ServiceSlot.Shadow shadow = slot.shadow();
                list.add(new ServiceState(slot.name(), active == null ? null : active.version().version(),
                        active == null ? null : active.since().toString(),
                        split == null ? null : new Traffic(split.candidate(), split.percent()), versions,
                        shadow == null ? null : new Shadow(shadow.candidate(), shadow.percent(), shadow.tolerance())));
            }
        }
        return new NodeState(FORMAT, list);
    }
}
