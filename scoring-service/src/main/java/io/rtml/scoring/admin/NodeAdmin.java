package io.rtml.scoring.admin;

import io.rtml.scoring.admin.AdminRequests.StageRequest;
import io.rtml.scoring.admin.AdminRequests.VersionRequest;
import io.rtml.scoring.admin.AdminResponses.Activated;
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
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage, activate and unload, as the deployer drives them. Downloads and session creation run
 * outside any lock (several services can stage at once); the changes to the loaded set and the
 * state file are serialised on {@code this}, so the saved state always matches what is served.
 */
final class NodeAdmin {

    private static final Logger log = LoggerFactory.getLogger(NodeAdmin.class);

    private final Services services;
    private final ModelLoader loader;
    private final ArtifactCache cache;
    private final StateFile stateFile;
    private final int standby;
    /** Stages in progress by "service/version": a second identical call waits for the first. */
    private final ConcurrentHashMap<String, CompletableFuture<Staged>> staging = new ConcurrentHashMap<>();

    NodeAdmin(Services services, ModelLoader loader, ArtifactCache cache, StateFile stateFile, int standby) {
        this.services = services;
        this.loader = loader;
        this.cache = cache;
        this.stateFile = stateFile;
        this.standby = standby;
    }

    Staged stage(StageRequest r) {
        Staged existing = alreadyLoaded(r);
        if (existing != null) {
            return existing;
        }
        String key = r.service() + "/" + r.version();
        CompletableFuture<Staged> mine = new CompletableFuture<>();
        CompletableFuture<Staged> running = staging.putIfAbsent(key, mine);
        if (running != null) {
            try {
                running.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
            return stage(r); // now loaded: answered by alreadyLoaded (or a sha conflict)
        }
        try {
            Staged staged = doStage(r);
            mine.complete(staged);
            return staged;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            staging.remove(key, mine);
        }
    }

    private Staged doStage(StageRequest r) {
        ArtifactCache.CachedArtifact artifact = cache.fetch(r.uri(), r.sha256(), r.sizeBytes());
        LoadedVersion loaded;
        try {
            loaded = loader.load(r.service(), r.version(), r.versionId(), r.sha256(), r.sizeBytes(), artifact.file(),
                    r.featureNames());
        } catch (ModelLoadException e) {
            log.warn("stage failed service={} version={}: {}", r.service(), r.version(), e.getMessage());
            throw new ApiException(422, e.getMessage());
        }
        synchronized (this) {
            ServiceSlot slot = services.getOrCreate(r.service());
            slot.add(loaded);
            slot.trim(standby, r.version());
            save();
        }
        log.info("staged service={} version={} sha256={} downloaded={}", r.service(), r.version(), r.sha256(),
                artifact.downloaded());
        return new Staged(r.service(), r.version(), r.versionId(), r.sha256(), "READY", artifact.downloaded(), false);
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
        return new Staged(r.service(), r.version(), v.versionId(), v.sha256(), "READY", false, true);
    }

    synchronized Activated activate(VersionRequest r) {
        ServiceSlot slot = services.get(r.service());
        if (slot == null || slot.loaded(r.version()) == null) {
            if (staging.containsKey(r.service() + "/" + r.version())) {
                throw new ApiException(409, "version " + r.version() + " of '" + r.service() + "' is still staging");
            }
            throw ApiException.notFound("version " + r.version() + " of '" + r.service() + "' is not staged");
        }
        Instant now = Instant.now();
        LoadedVersion previous = slot.activate(r.version(), now);
        ServiceSlot.Active active = slot.active();
        slot.trim(standby, r.version());
        save();
        Integer prev = previous == null || previous.version() == r.version() ? null : previous.version();
        log.info("activated service={} version={} previous={}", r.service(), r.version(), prev);
        return new Activated(r.service(), r.version(), prev, active.since().toString());
    }

    synchronized Unloaded unload(VersionRequest r) {
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
        save();
        log.info("unloaded service={} version={}", r.service(), r.version());
        return new Unloaded(r.service(), r.version());
    }

    private void save() {
        stateFile.write(NodeState.capture(services));
    }
}
