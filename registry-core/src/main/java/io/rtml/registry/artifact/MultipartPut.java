package io.rtml.registry.artifact;

import io.rtml.artifact.ArtifactStore;
import io.rtml.artifact.ArtifactStore.Part;
import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * One upload on its way to S3 as a multipart upload of its content key: each part is sent as soon as
 * the bytes for it have arrived, and every S3 request ends when its part is sent, so no request waits
 * while the upload is checked (S3 drops a request idle for about 20 s). The object exists only after
 * {@link #complete()}, which the caller calls once every check passed; {@link #abort()} drops the
 * parts. An upload smaller than one part starts no multipart upload: {@link #complete()} PUTs it.
 * Used by one thread at a time.
 */
final class MultipartPut {

    private static final Logger log = LoggerFactory.getLogger(MultipartPut.class);

    /** How long {@link #complete()} waits for a part still being sent: a part request that hangs must not hold the upload forever. */
    private static final Duration PART_WAIT = Duration.ofMinutes(2);

    private final PartUploads uploads;
    private final ArtifactStore store;
    private final String key;
    private final String sha256;
    private final List<CompletableFuture<Part>> sent = new ArrayList<>();
    private String uploadId;
    private byte[] buffer;
    private int filled;
    private boolean ended;

    MultipartPut(PartUploads uploads, ArtifactStore store, String key, String sha256) {
        this.uploads = uploads;
        this.store = store;
        this.key = key;
        this.sha256 = sha256;
    }

    String key() {
        return key;
    }

    /** Copies {@code bytes[0, length)} into the current part, sending each part that fills up. */
    void write(byte[] bytes, int length) {
        failIfAPartFailed();
        for (int offset = 0; offset < length; ) {
            if (buffer == null) {
                buffer = uploads.takeBuffer();
            }
            int n = Math.min(length - offset, buffer.length - filled);
            System.arraycopy(bytes, offset, buffer, filled, n);
            filled += n;
            offset += n;
            if (filled == buffer.length) {
                sendPart();
            }
        }
    }

    /** Creates the object from what was written; true when it exists now. */
    boolean complete() {
        ended = true;
        try {
            if (uploadId == null) {
                byte[] bytes = buffer == null ? new byte[0] : buffer;
                int length = filled;
                store.put(key, sha256, RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, length), length,
                        "application/octet-stream"));
                releaseBuffer();
                return true;
            }
            if (filled > 0) {
                sendPart();
            }
            List<Part> parts = new ArrayList<>();
            for (CompletableFuture<Part> part : sent) {
                parts.add(part.get(PART_WAIT.toMillis(), TimeUnit.MILLISECONDS));
            }
            store.completeMultipart(key, uploadId, parts);
            return true;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.warn("storing {} failed", key, e instanceof ExecutionException ? e.getCause() : e);
            abortQuietly();
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abortQuietly();
            return false;
        }
    }

    /** Drops the upload and its parts, unless {@link #complete()} ran; no object comes of it. */
    void abort() {
        if (!ended) {
            ended = true;
            abortQuietly();
        }
    }

    private void sendPart() {
        if (uploadId == null) {
            uploadId = storage(() -> store.startMultipart(key, sha256));
        }
        sent.add(uploads.send(key, uploadId, sent.size() + 1, buffer, filled));
        buffer = null;
        filled = 0;
    }

    private void failIfAPartFailed() {
        for (CompletableFuture<Part> part : sent) {
            if (part.isCompletedExceptionally()) {
                throw new RtmlException(ErrorCode.STORAGE_UNAVAILABLE,
                        "the artifact store stopped taking the upload; nothing was kept, send it again");
            }
        }
    }

    /** Waits for the parts in flight (S3 may keep a part that was still arriving when its upload was aborted), then aborts. */
    private void abortQuietly() {
        releaseBuffer();
        if (uploadId == null) {
            return;
        }
        for (CompletableFuture<Part> part : sent) {
            try {
                part.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                // failed or too slow: the abort below is what matters
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            store.abortMultipart(key, uploadId);
        } catch (RuntimeException e) {
            log.warn("could not abort the multipart upload {} of {}; the sweep of abandoned uploads will", uploadId, key, e);
        }
    }

    private void releaseBuffer() {
        if (buffer != null) {
            uploads.giveBack(buffer);
            buffer = null;
            filled = 0;
        }
    }

    private static <T> T storage(Supplier<T> call) {
        try {
            return call.get();
        } catch (RtmlException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new RtmlException(ErrorCode.STORAGE_UNAVAILABLE,
                    "the artifact store failed while the upload arrived; nothing was kept, send it again", e);
        }
    }
}
