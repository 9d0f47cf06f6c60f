package io.rtml.registry.version;

import io.rtml.registry.artifact.ArtifactStore;
import io.rtml.registry.artifact.S3Properties;
import io.rtml.registry.artifact.UploadProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Moves uploads stored under a staging key (their SHA-256 was not known when their PUT started) to
 * their content key, in the background: an S3 copy, then the versions point at the content key. The
 * staging object stays for {@code rtml.registry.upload.staging-retention}, since a download or a
 * presigned URL may still be reading it, and is deleted by a sweep that also finishes moves a restart
 * interrupted and removes staging objects no version ever recorded (a crash between PUT and row).
 * Every step can run twice, on one registry or several, with the same end.
 */
@Component
public class StagedArtifacts implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StagedArtifacts.class);

    private final ArtifactStore store;
    private final ModelVersionRepository versions;
    private final Duration retention;
    private final Clock clock;
    private final ScheduledExecutorService worker;

    StagedArtifacts(ArtifactStore store, ModelVersionRepository versions, UploadProperties upload, S3Properties s3,
            Clock clock) {
        if (upload.stagingRetention().compareTo(s3.presignTtl()) <= 0) {
            throw new IllegalArgumentException("rtml.registry.upload.staging-retention (" + upload.stagingRetention()
                    + ") must be longer than rtml.s3.presign-ttl (" + s3.presignTtl() + ")");
        }
        this.store = store;
        this.versions = versions;
        this.retention = upload.stagingRetention();
        this.clock = clock;
        this.worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "staged-artifacts");
            thread.setDaemon(true);
            return thread;
        });
        long every = upload.stagingSweepInterval().toMillis();
        worker.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
        worker.execute(this::settleAllQuietly); // what a restart interrupted
    }

    /** Moves {@code stagingKey} to the content key of {@code sha256} soon. */
    void settleSoon(String stagingKey, String sha256, long size) {
        try {
            worker.execute(() -> {
                try {
                    settle(stagingKey, sha256, size);
                } catch (RuntimeException e) {
                    log.warn("could not move {} to its content key yet; the next sweep tries again: {}", stagingKey, e.toString());
                } catch (Error e) {
                    log.error("could not move {} to its content key; the next sweep tries again", stagingKey, e);
                    throw e; // an executor keeps an Error to itself: logged first
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("shutting down; {} is moved by the next start", stagingKey);
        }
    }

    /** Copies the staged bytes to their content key and points the versions there. */
    void settle(String stagingKey, String sha256, long size) {
        long start = System.nanoTime();
        store.copyToContentKey(stagingKey, sha256, size);
        int moved = versions.moveArtifact(stagingKey, ArtifactStore.keyFor(sha256));
        log.debug("moved {} ({} bytes, {} version(s)) to its content key in {} ms", stagingKey, size, moved,
                (System.nanoTime() - start) / 1_000_000);
    }

    /** Finishes every move still pending, then deletes the staging objects that nothing refers to and that are past retention. */
    void sweep() {
        settleAll();
        for (String key : store.stagingKeysOlderThan(clock.instant().minus(retention))) {
            if (!versions.existsByArtifactKey(key)) {
                store.delete(key);
                log.debug("deleted the staging object {}", key);
            }
        }
    }

    private void settleAll() {
        for (ModelVersionRepository.Staged staged : versions.findStaged()) {
            settle(staged.getArtifactKey(), staged.getSha256(), staged.getSizeBytes());
        }
    }

    private void settleAllQuietly() {
        try {
            settleAll();
        } catch (RuntimeException e) {
            log.warn("could not move staged uploads to their content keys; the next sweep tries again: {}", e.toString());
        }
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            log.warn("the sweep of staged uploads failed; it runs again in a while: {}", e.toString());
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
