package io.rtml.registry.artifact;

import io.rtml.artifact.ArtifactStore;
import io.rtml.artifact.ArtifactStore.Part;
import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upload on its way to S3 as a multipart upload of its content key: each part is sent as soon as
 * the bytes for it have arrived, the last one as soon as the body ends, and every S3 request ends when
 * its part is sent, so no request waits while the upload is checked (S3 drops a request idle for
 * about 20 s). The object exists only after {@link #complete()}, which the caller calls once every
 * check passed; {@link #abort()} drops the parts. An upload smaller than one part starts no multipart
 * upload: it is copied out of its part buffer when the body ends, and {@link #complete()} PUTs it.
 *
 * <p>The upload holds one part buffer of its own from its start until its body ends; a part buffer
 * more from the shared pool while its own is being sent, if one is free, else it waits for its own.
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
    private byte[] own;
    private CompletableFuture<Part> ownSending;
    private byte[] buffer;
    private int filled;
    private byte[] whole;
    private boolean ended;

    MultipartPut(PartUploads uploads, ArtifactStore store, String key, String sha256, byte[] own) {
        this.uploads = uploads;
        this.store = store;
        this.key = key;
        this.sha256 = sha256;
        this.own = own;
        this.buffer = own;
    }

    String key() {
        return key;
    }

    /** Copies {@code bytes[0, length)} into the current part, sending each part that fills up. */
    void write(byte[] bytes, int length) {
        failIfAPartFailed();
        for (int offset = 0; offset < length; ) {
            if (buffer == null) {
                buffer = nextBuffer();
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

    /**
     * The body has ended: sends the last part (a last part may be of any size), or copies a body
     * smaller than one part out of its buffer; either way the upload holds no part buffer while it is
     * checked.
     */
    void endOfBody() {
        if (whole != null || own == null) {
            return;
        }
        if (uploadId == null) {
            whole = Arrays.copyOf(buffer, filled);
            buffer = null;
            filled = 0;
        } else if (filled > 0) {
            sendPart();
        }
        releaseOwn();
    }

    /** Creates the object from what was written; true when it exists now. */
    boolean complete() {
        ended = true;
        try {
            endOfBody();
            if (uploadId == null) {
                store.put(key, sha256, ArtifactStore.body(whole, whole.length));
                return true;
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

    /** A free buffer from the pool, else this upload's own once its part is sent. */
    private byte[] nextBuffer() {
        byte[] pooled = uploads.tryTakeBuffer();
        if (pooled != null) {
            return pooled;
        }
        try {
            ownSending.get(PART_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw storageFailed(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw storageFailed(e);
        }
        ownSending = null;
        return own;
    }

    private void sendPart() {
        if (uploadId == null) {
            uploadId = storage(() -> store.startMultipart(key, sha256));
        }
        byte[] part = buffer;
        buffer = null;
        int length = filled;
        filled = 0;
        CompletableFuture<Part> sending;
        try {
            sending = uploads.send(key, uploadId, sent.size() + 1, part, length);
        } catch (RuntimeException e) {
            giveBackUnlessOwn(part);
            throw storageFailed(e);
        }
        sent.add(sending);
        if (part == own) {
            ownSending = sending;
        } else {
            sending.whenComplete((p, e) -> uploads.giveBack(part));
        }
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
        if (buffer != null) {
            giveBackUnlessOwn(buffer);
            buffer = null;
            filled = 0;
        }
        releaseOwn();
        whole = null;
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

    /** Returns this upload's own buffer to the pool, once the part it may hold is sent. */
    private void releaseOwn() {
        if (own == null) {
            return;
        }
        byte[] buffer = own;
        own = null;
        if (ownSending == null) {
            uploads.giveBack(buffer);
        } else {
            ownSending.whenComplete((p, e) -> uploads.giveBack(buffer));
            ownSending = null;
        }
    }

    private void giveBackUnlessOwn(byte[] pooled) {
        if (pooled != own) {
            uploads.giveBack(pooled);
        }
    }

    private static <T> T storage(Supplier<T> call) {
        try {
            return call.get();
        } catch (RtmlException e) {
            throw e;
        } catch (RuntimeException e) {
            throw storageFailed(e);
        }
    }

    private static RtmlException storageFailed(Exception cause) {
        return new RtmlException(ErrorCode.STORAGE_UNAVAILABLE, ReceivedArtifact.STORE_FAILED, cause);
    }
}
