package io.rtml.registry.version;

import io.rtml.artifact.ArtifactStore;
import io.rtml.artifact.S3Properties;
import io.rtml.registry.artifact.UploadProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Moves uploads stored under a staging key (their SHA-256 was not known when their PUT started) to
 * their content key, in the background: an S3 copy, then, in one transaction, the versions point at
 * the content key and the time of that release is noted. The staging object stays for
 * {@code rtml.registry.upload.staging-retention} after its release, since a download or a presigned
 * URL handed out just before may still be reading it. A sweep deletes it then; the sweep also
 * finishes moves that a restart interrupted, and deletes staging objects that no version ever
 * recorded (the registry died between the PUT and the row) once they are {@link #ORPHAN_GRACE} old,
 * longer than any upload takes. Every step can run twice, on one registry or several, with the same end.
 */
@Component
public class StagedArtifacts implements AutoCloseable {

    /** How old an unrecorded staging object must be before it is taken for the leftover of a crash. */
    static final Duration ORPHAN_GRACE = Duration.ofHours(24);

    private static final Logger log = LoggerFactory.getLogger(StagedArtifacts.class);

    private final ArtifactStore store;
    private final ModelVersionRepository versions;
    private final TransactionTemplate transaction;
    private final ArtifactReclaimer reclaimer;
    private final Duration retention;
    private final Clock clock;
    private final ScheduledExecutorService worker;

    StagedArtifacts(ArtifactStore store, ModelVersionRepository versions, TransactionTemplate transaction,
            ArtifactReclaimer reclaimer, UploadProperties upload, S3Properties s3, Clock clock) {
        if (upload.stagingRetention().compareTo(s3.presignTtl()) <= 0) {
            throw new IllegalArgumentException("rtml.registry.upload.staging-retention (" + upload.stagingRetention()
                    + ") must be longer than rtml.s3.presign-ttl (" + s3.presignTtl() + ")");
        }
        this.store = store;
        this.versions = versions;
        this.transaction = transaction;
        this.reclaimer = reclaimer;
        this.retention = upload.stagingRetention();
        this.clock = clock;
        this.worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "staged-artifacts");
            thread.setDaemon(true);
            return thread;
        });
        long every = upload.stagingSweepInterval().toMillis();
        // The first sweep right away: it finishes what a restart interrupted.
        worker.scheduleWithFixedDelay(this::sweepQuietly, 0, every, TimeUnit.MILLISECONDS);
    }

    /** Moves {@code stagingKey} to the content key of {@code sha256} soon. */
    void settleSoon(String stagingKey, String sha256, long size) {
        try {
            worker.execute(() -> settleQuietly(stagingKey, sha256, size));
        } catch (RejectedExecutionException e) {
            log.warn("shutting down: {} stays staged until a registry sweeps it", stagingKey);
        }
    }

    /** Copies the staged bytes to their content key, points the versions there and notes the release. */
    void settle(String stagingKey, String sha256, long size) {
        long start = System.nanoTime();
        store.copyToContentKey(stagingKey, sha256, size);
        int moved = transaction.execute(status -> {
            reclaimer.claim(ArtifactStore.keyFor(sha256));
            int rows = versions.moveArtifact(stagingKey, ArtifactStore.keyFor(sha256));
            versions.release(stagingKey, clock.instant());
            return rows;
        });
        log.debug("moved {} ({} bytes, {} version(s)) to its content key in {} ms", stagingKey, size, moved,
                (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Finishes every move still pending, then deletes the staging objects that no version refers to:
     * released ones once retention has passed since their release, unrecorded ones after {@link #ORPHAN_GRACE}.
     */
    void sweep() {
        for (ModelVersionRepository.Staged staged : versions.findStaged()) {
            settleQuietly(staged.getArtifactKey(), staged.getSha256(), staged.getSizeBytes());
        }
        Instant now = clock.instant();
        for (ArtifactStore.StagingObject object : store.stagingObjects()) {
            String key = object.key();
            if (versions.isStagingKeyInUse(key)) {
                continue;
            }
            boolean expired = versions.countReleases(key) > 0
                    ? versions.countReleasesBefore(key, now.minus(retention)) > 0
                    : object.lastModified().isBefore(now.minus(ORPHAN_GRACE));
            if (expired) {
                store.delete(key);
                versions.forgetRelease(key);
                log.debug("deleted the staging object {}", key);
            }
        }
    }

    private void settleQuietly(String stagingKey, String sha256, long size) {
        try {
            settle(stagingKey, sha256, size);
        } catch (RuntimeException | Error e) {
            log.warn("could not move {} to its content key yet; the next sweep tries again", stagingKey, e);
        }
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException | Error e) {
            // Not rethrown: the executor would end the schedule, and no sweep would run again.
            log.warn("the sweep of staged uploads failed; it runs again in a while", e);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
