package io.rtml.scoring.admin;

import io.rtml.scoring.admin.AdminRequests.ServiceRequest;
import io.rtml.scoring.admin.AdminRequests.StageRequest;
import io.rtml.scoring.admin.AdminRequests.VersionRequest;
import io.rtml.scoring.admin.AdminResponses.Activated;
import io.rtml.scoring.admin.AdminResponses.Removed;
import io.rtml.scoring.admin.AdminResponses.Staged;
import io.rtml.scoring.admin.AdminResponses.Unloaded;
import io.rtml.scoring.artifact.ArtifactCache;
import io.rtml.scoring.http.ApiException;
import io.rtml.scoring.runtime.LoadedVersion;
import io.rtml.scoring.runtime.ModelLoadException;
import io.rtml.scoring.runtime.ModelLoader;
import io.rtml.scoring.runtime.ServiceSlot;
import io.rtml.scoring.runtime.Services;
import io.rtml.scoring.state.NodeState;
import io.rtml.scoring.state.StateFile;
import io.rtml.scoring.state.StateSaver;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Stage, activate and unload, as the deployer drives them (and as a node that starts empty drives
 * them itself). Downloads and session creation run on the admin executor outside any lock (several
 * services can stage at once); the changes to the loaded set are serialised on {@code this}, and
 * the state file is written after them in the background ({@link StateSaver}).
 */
public final class NodeAdmin implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeAdmin.class);

    /** False until the startup restore is done: eviction waits for it. */
    private volatile boolean restored;
    private final Services services;
    private final ModelLoader loader;
    private final ArtifactCache cache;
    private final StateSaver saver;
    private final int standby;
    private final ExecutorService executor;
    private final Stagings stagings = new Stagings();

    public NodeAdmin(Services services, ModelLoader loader, ArtifactCache cache, StateFile stateFile, int standby,
            ExecutorService executor) {
        this.services = services;
        this.loader = loader;
        this.cache = cache;
        this.standby = standby;
        this.executor = executor;
        this.saver = new StateSaver(stateFile, this::snapshot);
    }

    /**
     * Stages {@code version} of {@code service} and activates it, as the deployer would: the path
     * a node that starts empty takes for each service of its desired state.
     */
    public CompletableFuture<Void> load(String service, int version, String artifactUrl, String sha256,
            long sizeBytes, JsonNode example) {
        StageRequest r = new StageRequest(service, version, service + ":" + version, artifactUrl, sha256, sizeBytes,
                List.of(), null, example).normalized();
        return stage(r).thenAccept(staged -> activate(new VersionRequest(service, version)));
    }

    /**
     * A {@link Staged}, or {@link AdminResponses.StillStaging} when the request's wait ran out.
     * Answered at once, on the caller's thread, when the version is already loaded: that is every
     * stage of a rollback.
     */
    CompletableFuture<Object> stage(StageRequest r) {
        return stagings.stage(r, r.waitFor(), this::alreadyLoaded,
                request -> CompletableFuture.supplyAsync(() -> doStage(request), executor));
    }

    private Staged doStage(StageRequest r) {
        cache.pin(r.sha256());
        try {
            evictUnused(); // room for the download, before it starts
            return fetchAndLoad(r);
        } finally {
            cache.release(r.sha256());
            evictUnused();
        }
    }

    private Staged fetchAndLoad(StageRequest r) {
        ArtifactCache.CachedArtifact artifact = cache.fetch(r.uri(), r.sha256(), r.sizeBytes());
        LoadedVersion loaded;
        try {
            loaded = loader.load(r.service(), r.version(), r.versionId(), r.sha256(), r.sizeBytes(), artifact.file(),
                    r.featureNames(), r.exampleRequest());
        } catch (ModelLoadException e) {
            log.warn("stage failed service={} version={}: {}", r.service(), r.version(), e.getMessage());
            throw new ApiException(422, e.getMessage());
        }
        synchronized (this) {
            ServiceSlot slot = services.getOrCreate(r.service());
            slot.add(loaded);
            slot.trim(standby, r.version());
        }
        saver.changed();
        log.info("staged service={} version={} sha256={} downloaded={}", r.service(), r.version(), r.sha256(),
                artifact.downloaded());
        return new Staged(r.service(), r.version(), r.versionId(), r.sha256(), "READY", artifact.downloaded(), false,
                AdminResponses.Warmup.of(loaded.warmup()));
    }

    private Staged alreadyLoaded(StageRequest r) {
        ServiceSlot slot = services.get(r.service());
        LoadedVersion v = slot == null ? null : slot.loaded(r.version());
        if (v == null) {
            return null;
        }
        if (!v.sha256().equals(r.sha256())) {
            throw new ApiException(409, "version " + r.version() + " of '" + r.service()
                    + "' is already loaded with sha-256 " + v.sha256());
        }
        return new Staged(r.service(), r.version(), v.versionId(), v.sha256(), "READY", false, true,
                AdminResponses.Warmup.of(v.warmup()));
    }

    /** Deletes cached artifacts past the budget that no loaded version (active or standby) and no stage needs. */
    /**
     * Deletes cached files no loaded or staging version needs. Under the lock that adds versions to
     * slots, so a stage finishing meanwhile cannot lose its file between the keep set and the
     * delete; and not before the node has restored its saved state, whose files are not loaded yet.
     */
    private synchronized void evictUnused() {
        if (!restored) {
            return;
        }
        Set<String> loaded = new HashSet<>();
        services.all().forEach(slot -> slot.versions().forEach(v -> loaded.add(v.sha256())));
        cache.evict(loaded);
    }

    /** The saved state is loaded (or there was none): from now on unused files may be evicted. */
    public void restoreFinished() {
        restored = true;
        evictUnused();
    }

    /** Swaps the pointer and answers; the state file follows in the background. */
    Activated activate(VersionRequest r) {
        Activated activated = swap(r);
        evictUnused(); // a standby version may have been dropped
        return activated;
    }

    private synchronized Activated swap(VersionRequest r) {
        ServiceSlot slot = services.get(r.service());
        if (slot == null || slot.loaded(r.version()) == null) {
            if (stagings.running(r.service(), r.version())) {
                throw new ApiException(409, "version " + r.version() + " of '" + r.service() + "' is still staging");
            }
            throw ApiException.notFound("version " + r.version() + " of '" + r.service() + "' is not staged");
        }
        Instant now = Instant.now();
        LoadedVersion previous = slot.activate(r.version(), now);
        ServiceSlot.Active active = slot.active();
        slot.trim(standby, r.version());
        saver.changed();
        Integer prev = previous == null || previous.version() == r.version() ? null : previous.version();
        log.info("activated service={} version={} previous={}", r.service(), r.version(), prev);
        return new Activated(r.service(), r.version(), prev, active.since().toString());
    }

    Unloaded unload(VersionRequest r) {
        Unloaded unloaded = remove(r);
        evictUnused();
        return unloaded;
    }

    private synchronized Unloaded remove(VersionRequest r) {
        ServiceSlot slot = services.get(r.service());
        if (slot == null || slot.loaded(r.version()) == null) {
            throw ApiException.notFound("version " + r.version() + " of '" + r.service() + "' is not loaded");
        }
        ServiceSlot.Active active = slot.active();
        if (active != null && active.version().version() == r.version()) {
            throw new ApiException(409, "version " + r.version() + " of '" + r.service()
                    + "' is active; activate another version first");
        }
        slot.unload(r.version());
        services.removeIfEmpty(r.service());
        saver.changed();
        log.info("unloaded service={} version={}", r.service(), r.version());
        return new Unloaded(r.service(), r.version());
    }

    /**
     * Removes a service with every version, the active one included (an undeployment). Idempotent:
     * a node that no longer holds the service answers {@code removed: false}, so a deployer that
     * resumes an undeployment can repeat the call.
     */
    synchronized Removed remove(ServiceRequest r) {
        List<Integer> versions = services.remove(r.service());
        if (!versions.isEmpty()) {
            saver.changed();
            log.info("removed service={} versions={}", r.service(), versions);
        }
        return new Removed(r.service(), !versions.isEmpty(), versions);
    }

    /**
     * Routes {@code percent} of the service's requests to a loaded candidate (staged or standby):
     * answered on the caller's thread, a pointer write like an activation.
     */
    synchronized AdminResponses.Traffic split(String service, AdminRequests.TrafficRequest r) {
        ServiceSlot slot = candidateSlot(service, r.candidate());
        ServiceSlot.Active active = slot.active();
        slot.split(r.candidate(), r.percent());
        saver.changed();
        log.info("traffic service={} active={} candidate={} percent={}", service, active.version().version(),
                r.candidate(), r.percent());
        return AdminResponses.Traffic.of(service, slot);
    }

    /** The slot of a service whose {@code candidate} is loaded and not active, while it has an active version. */
    private ServiceSlot candidateSlot(String service, int candidate) {
        ServiceSlot slot = services.get(service);
        if (slot == null || slot.loaded(candidate) == null) {
            if (stagings.running(service, candidate)) {
                throw new ApiException(409, "version " + candidate + " of '" + service + "' is still staging");
            }
            throw ApiException.notFound(slot == null ? "unknown service '" + service + "'"
                    : "version " + candidate + " of '" + service + "' is not loaded: stage it first");
        }
        ServiceSlot.Active active = slot.active();
        if (active == null) {
            throw new ApiException(409, "service '" + service + "' has no active version to compare a candidate with");
        }
        if (active.version().version() == candidate) {
            throw new ApiException(409, "version " + candidate + " of '" + service
                    + "' is the active version; a candidate must be another loaded version");
        }
        return slot;
    }

    /** Scores a share of the service's requests on a loaded candidate too, after their replies. */
    synchronized AdminResponses.ShadowView shadow(String service, AdminRequests.ShadowRequest r) {
        ServiceSlot slot = candidateSlot(service, r.candidate());
        slot.shadow(new ServiceSlot.Shadow(r.candidate(), r.percent(), r.tolerance()));
        saver.changed();
        log.info("shadow service={} candidate={} percent={} tolerance={}", service, r.candidate(), r.percent(),
                r.tolerance());
        return AdminResponses.ShadowView.of(service, slot);
    }

    synchronized AdminResponses.ShadowView clearShadow(String service) {
        ServiceSlot slot = knownSlot(service);
        if (slot.clearShadow() != null) {
            saver.changed();
            log.info("shadow service={} cleared", service);
        }
        return AdminResponses.ShadowView.of(service, slot);
    }

    /** Every request of the service to its active version again (the millisecond rollback); idempotent. */
    synchronized AdminResponses.Traffic clearSplit(String service) {
        ServiceSlot slot = knownSlot(service);
        if (slot.clearSplit() != null) {
            saver.changed();
            log.info("traffic service={} cleared: all to the active version", service);
        }
        return AdminResponses.Traffic.of(service, slot);
    }

    private ServiceSlot knownSlot(String service) {
        ServiceSlot slot = services.get(service);
        if (slot == null) {
            throw ApiException.notFound("unknown service '" + service + "'");
        }
        return slot;
    }

    /** What the state file gets: taken under the lock, so never between two steps of a change. */
    private synchronized NodeState snapshot() {
        return NodeState.capture(services);
    }

    /** Writes the state that is still pending. */
    @Override
    public void close() {
        saver.close();
    }
}
