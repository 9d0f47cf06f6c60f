package io.rtml.registry.artifact;

import io.rtml.artifact.ArtifactStore;
import io.rtml.artifact.ArtifactStore.Part;
import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.core.task.TaskExecutor;
import org.springframework.stereotype.Component;

/**
 * Sends uploads to S3 in parts, on a small pool of threads and from a bounded set of part buffers
 * shared by all uploads, so the heap an upload path holds stays at about
 * {@code part-buffers} x {@code part-size} however many uploads are in flight.
 */
@Component
public class PartUploads {

    /** How long an upload waits for a free part buffer before it gives up (503). */
    static final Duration STALL = Duration.ofMinutes(1);

    private final ArtifactStore store;
    private final TaskExecutor executor;
    private final int partSize;
    private final int maxBuffers;
    private final BlockingQueue<byte[]> free = new LinkedBlockingQueue<>();
    private final AtomicInteger allocated = new AtomicInteger();

    PartUploads(ArtifactStore store, UploadExecutors executors, UploadProperties properties) {
        this.store = store;
        this.executor = executors.parts();
        this.partSize = (int) properties.partSize().toBytes();
        this.maxBuffers = properties.partBuffers();
    }

    /** A multipart upload of {@code key}, the content key of {@code sha256}, to be fed with {@link MultipartPut#write}. */
    MultipartPut start(String key, String sha256) {
        return new MultipartPut(this, store, key, sha256);
    }

    /** A part buffer, allocated while fewer than {@code part-buffers} exist; else waits for one to come back. */
    byte[] takeBuffer() {
        byte[] buffer = free.poll();
        if (buffer != null) {
            return buffer;
        }
        if (allocated.getAndIncrement() < maxBuffers) {
            return new byte[partSize];
        }
        allocated.decrementAndGet();
        try {
            buffer = free.poll(STALL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a part buffer", e);
        }
        if (buffer == null) {
            throw new RtmlException(ErrorCode.STORAGE_UNAVAILABLE, "the registry is sending too many uploads to the"
                    + " artifact store; nothing was kept, send it again later");
        }
        return buffer;
    }

    void giveBack(byte[] buffer) {
        free.add(buffer);
    }

    /** Sends {@code buffer[0, length)} as part {@code number} on the pool; the buffer comes back when it is sent or failed. */
    CompletableFuture<Part> send(String key, String uploadId, int number, byte[] buffer, int length) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new Part(number, store.putPart(key, uploadId, number, buffer, length));
            } finally {
                giveBack(buffer);
            }
        }, executor);
    }
}
