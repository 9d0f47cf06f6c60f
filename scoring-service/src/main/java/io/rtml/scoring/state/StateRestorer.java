package io.rtml.scoring.state;

import io.rtml.scoring.artifact.ArtifactCache;
import io.rtml.scoring.runtime.ExampleRequest;
import io.rtml.scoring.runtime.LoadedVersion;
import io.rtml.scoring.runtime.ModelLoadException;
import io.rtml.scoring.runtime.ModelLoader;
import io.rtml.scoring.runtime.ServiceSlot;
import io.rtml.scoring.runtime.Services;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads what the state file says this node served, from the local artifact cache only (no
 * network). A version whose file is gone or no longer verifies is skipped and logged: the
 * deployer's reconciliation brings it back.
 */
public final class StateRestorer {

    private static final Logger log = LoggerFactory.getLogger(StateRestorer.class);

    private final StateFile stateFile;
    private final ArtifactCache cache;
    private final ModelLoader loader;
    private final Services services;

    public StateRestorer(StateFile stateFile, ArtifactCache cache, ModelLoader loader, Services services) {
        this.stateFile = stateFile;
        this.cache = cache;
        this.loader = loader;
        this.services = services;
    }

    /**
     * What a restore did: how many versions it reloaded (0: no state file, an empty or unreadable
     * one, or nothing verified) and the services the saved state had active, which the node must
     * serve again before it is ready.
     */
    public record Restored(int versions, Set<String> activeServices) {}

    public Restored restore() {
        NodeState state = stateFile.read();
        int loaded = 0;
        for (NodeState.ServiceState s : state.services()) {
            loaded += restore(s);
        }
        log.info("restored state services={} versions={} from={}", state.services().size(), loaded, stateFile.path());
        return new Restored(loaded, state.services().stream().filter(s -> s.activeVersion() != null)
                .map(NodeState.ServiceState::service).collect(Collectors.toUnmodifiableSet()));
    }

    private int restore(NodeState.ServiceState s) {
        int loaded = 0;
        try {
            for (NodeState.VersionState v : s.versions()) {
                if (load(s.service(), v)) {
                    loaded++;
                }
            }
            ServiceSlot slot = services.get(s.service());
            if (slot != null && s.activeVersion() != null && slot.loaded(s.activeVersion()) != null) {
                Instant since = s.activeSince() == null ? Instant.now() : Instant.parse(s.activeSince());
                slot.activate(s.activeVersion(), since);
                restoreSplit(s, slot);
                restoreShadow(s, slot);
            } else if (s.activeVersion() != null) {
                log.error("restore: active version {} of {} could not be reloaded", s.activeVersion(), s.service());
            }
        } catch (RuntimeException e) {
            log.error("restore: service {} skipped: {}", s.service(), e.toString());
        }
        return loaded;
    }

    private static void restoreSplit(NodeState.ServiceState s, ServiceSlot slot) {
        NodeState.Traffic t = s.traffic();
        if (t == null) {
            return;
        }
        if (slot.loaded(t.candidate()) == null) {
            log.error("restore: traffic split of {} dropped: candidate version {} could not be reloaded", s.service(),
                    t.candidate());
            return;
        }
        slot.split(t.candidate(), t.percent());
    }

    private static void restoreShadow(NodeState.ServiceState s, ServiceSlot slot) {
        NodeState.Shadow shadow = s.shadow();
        if (shadow == null) {
            return;
        }
        if (slot.loaded(shadow.candidate()) == null) {
            log.error("restore: shadow of {} dropped: candidate version {} could not be reloaded", s.service(),
                    shadow.candidate());
            return;
        }
        slot.shadow(new ServiceSlot.Shadow(shadow.candidate(), shadow.percent(), shadow.tolerance()));
    }

    private boolean load(String service, NodeState.VersionState v) {
        Path file = Path.of(v.file());
        if (!cache.verifies(file, v.sha256(), v.sizeBytes())) {
            log.error("restore: {} version {}: file {} is missing or does not match sha-256 {}", service,
                    v.version(), file, v.sha256());
            return false;
        }
        try {
            LoadedVersion loaded = loader.load(service, v.version(), v.versionId(), v.sha256(), v.sizeBytes(),
                    file, v.featureNames(), ExampleRequest.of(v.example()));
            services.add(loaded);
            return true;
        } catch (ModelLoadException e) {
            log.error("restore: {} version {} failed to load: {}", service, v.version(), e.getMessage());
            return false;
        }
    }
}
