package io.rtml.registry.artifact;

import io.rtml.artifact.ArtifactStore;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PUT of {@code key} that started while its upload was still arriving and is fed by {@code feed}.
 * {@code key} is the content key of a declared SHA-256, or a staging key ({@link ArtifactStore#isStaging}).
 */
record StreamedPut(String key, PutFeed feed, CompletableFuture<Void> result) {

    private static final Logger log = LoggerFactory.getLogger(StreamedPut.class);

    /** Lets the PUT send its last byte and waits for S3; false when it failed. */
    boolean complete() {
        feed.release();
        try {
            result.get();
            return true;
        } catch (ExecutionException e) {
            log.warn("the PUT of {} that followed its upload failed", key, e.getCause());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while storing " + key, e);
        }
    }

    /**
     * Makes the PUT fail, unless it was released, so no object comes of it. Waits a little for its
     * thread to stop; no object can appear after this returns either way.
     */
    void abandon() {
        feed.abandon();
        try {
            result.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException expected) {
            log.debug("abandoned the PUT of {}: {}", key, expected.getCause().toString());
        } catch (TimeoutException e) {
            result.cancel(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
