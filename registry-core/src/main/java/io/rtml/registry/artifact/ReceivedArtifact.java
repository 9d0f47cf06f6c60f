package io.rtml.registry.artifact;

import io.rtml.artifact.ArtifactStore;
import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An upload in its spool file, hashed, perhaps with its parts already in S3 (see {@link ArtifactReceiver}).
 * Closing it aborts a multipart upload that {@link #store()} did not complete, and deletes the spool file.
 */
public final class ReceivedArtifact implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReceivedArtifact.class);

    /** Why an upload is refused (503) when S3 failed under it. */
    static final String STORE_FAILED = "the artifact store failed while the upload arrived; nothing was kept, send it again";

    private final SpooledArtifact spooled;
    private final ArtifactStore store;
    private final String storedKey;
    private final Executor background;
    private MultipartPut put;

    /** {@code storedKey}: the content key of the declared SHA-256 when S3 had that object before the upload began, else null. */
    ReceivedArtifact(SpooledArtifact spooled, ArtifactStore store, MultipartPut put, String storedKey, Executor background) {
        this.spooled = spooled;
        this.store = store;
        this.put = put;
        this.storedKey = storedKey;
        this.background = background;
    }

    public Path path() {
        return spooled.path();
    }

    public String sha256() {
        return spooled.sha256();
    }

    public long size() {
        return spooled.size();
    }

    /**
     * Makes the bytes durable under their content key and returns it: completes the multipart upload
     * that followed the upload, or PUTs the spool file now, unless the object exists already. Call it
     * only for an upload that passed its checks.
     */
    public String store() {
        String key = ArtifactStore.keyFor(spooled.sha256());
        if (key.equals(storedKey)) {
            return key; // found stored when the upload began; objects under a content key are never replaced
        }
        MultipartPut started = put;
        put = null;
        if (started != null) {
            // Started on what the client declared; only the bytes it declared may complete it.
            if (started.key().equals(key) && started.complete()) {
                return key;
            }
            started.abort();
        }
        if (spooled.leftOutBytes() > 0) {
            throw new RtmlException(ErrorCode.STORAGE_UNAVAILABLE, STORE_FAILED);
        }
        return store.store(spooled.path(), spooled.sha256());
    }

    @Override
    public void close() {
        if (put != null) {
            put.abort();
        }
        // Unlinking a 1 GiB spool file costs the kernel 0.1-0.4 s; the client need not wait for it.
        try {
            background.execute(this::deleteSpoolFile);
        } catch (RejectedExecutionException e) {
            deleteSpoolFile();
        }
    }

    private void deleteSpoolFile() {
        try {
            spooled.close();
        } catch (RuntimeException e) {
            log.warn("could not delete the spool file {}", spooled.path(), e);
        }
    }
}
