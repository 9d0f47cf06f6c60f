package io.rtml.registry.artifact;

import io.rtml.artifact.ArtifactStore;
import io.rtml.artifact.ArtifactStore.PendingMultipart;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Multipart uploads that a registry started and never completed nor aborted (it died mid-upload)
 * hold their parts in S3 and cost storage. Where the store supports lifecycle rules (AWS S3),
 * the bucket gets one that aborts them {@code rtml.registry.upload.abandoned-after} after they
 * began; elsewhere (s3proxy, MinIO) the registry sweeps them itself: on start and every
 * {@code abandoned-sweep-interval}. An upload in flight is never that
 * old: a request body may take {@code rtml.api.clients.upload-time-limit} (1h) to arrive.
 */
@Component
public class AbandonedUploads implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(AbandonedUploads.class);

    private final ArtifactStore store;
    private final Duration abandonedAfter;
    private final Duration interval;
    private final Clock clock;
    private volatile Boolean lifecycleRule;

    AbandonedUploads(ArtifactStore store, UploadProperties properties, Clock clock) {
        this.store = store;
        this.abandonedAfter = properties.abandonedAfter();
        this.interval = properties.abandonedSweepInterval();
        this.clock = clock;
    }

    /** First right after start, on the application's task scheduler; the interval is a bound property, so not an annotation. */
    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(new FixedDelayTask(this::sweepQuietly, interval, Duration.ZERO));
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            log.warn("the sweep of abandoned multipart uploads failed; it runs again in {}", interval, e);
        }
    }

    /** Sets the lifecycle rule once, or, where the store has none, aborts the uploads older than {@code abandoned-after}. */
    public void sweep() {
        if (lifecycleRule == null) {
            lifecycleRule = setLifecycleRule();
        }
        if (!lifecycleRule) {
            abortOlderThan(clock.instant().minus(abandonedAfter));
        }
    }

    /** Aborts the multipart uploads that began before {@code cutoff}; returns how many. */
    private int abortOlderThan(Instant cutoff) {
        int aborted = 0;
        for (PendingMultipart upload : store.pendingMultiparts()) {
            if (upload.initiated() != null && upload.initiated().isBefore(cutoff)) {
                store.abortMultipart(upload.key(), upload.uploadId());
                aborted++;
            }
        }
        if (aborted > 0) {
            log.warn("aborted {} multipart uploads begun before {} and never completed (a registry stopped during an upload)",
                    aborted, cutoff);
        }
        return aborted;
    }

    private boolean setLifecycleRule() {
        int days = (int) Math.max(1, (abandonedAfter.toHours() + 23) / 24);
        try {
            if (store.expireIncompleteMultiparts(days)) {
                log.info("the bucket {} aborts multipart uploads {} days after they began (lifecycle rule {})",
                        store.bucket(), days, ArtifactStore.LIFECYCLE_RULE);
                return true;
            }
            log.info("the artifact store does not support a lifecycle rule that aborts incomplete multipart uploads:"
                    + " the registry itself aborts those older than {}", abandonedAfter);
        } catch (RuntimeException e) {
            log.warn("could not set the lifecycle rule for incomplete multipart uploads on {}: the registry itself aborts"
                    + " those older than {}", store.bucket(), abandonedAfter, e);
        }
        return false;
    }
}
