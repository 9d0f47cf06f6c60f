package io.rtml.registry.artifact;

import io.rtml.artifact.ArtifactStore;
import io.rtml.artifact.ArtifactStore.Part;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.core.task.TaskExecutor;
import org.springframework.stereotype.Component;

/**
 * Sends uploads to S3 in parts, on a small pool of threads and from a bounded set of part buffers
 * shared by all uploads, so the heap an upload path holds stays at about
 * {@code part-buffers} x {@code part-size} however many uploads are in flight. No upload ever waits
 * for a buffer another upload holds: one that finds none free at its start takes the plain path
 * (spool, then one PUT after the checks), and one that finds none for its next part waits for its
 * own last part to be sent.
 */
@Component
class PartUploads {

    private final ArtifactStore store;
    private final TaskExecutor executor;
    private final int partSize;
    private final int maxBuffers;
    private final Queue<byte[]> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger allocated = new AtomicInteger();

    PartUploads(ArtifactStore store, UploadExecutors executors, UploadProperties properties) {
        this.store = store;
        this.executor = executors.parts();
        this.partSize = (int) properties.partSize().toBytes();
        this.maxBuffers = properties.partBuffers();
    }

    /**
     * A multipart upload of {@code key}, the content key of {@code sha256}, to be fed with
     * {@link MultipartPut#write}; null when every part buffer is taken.
     */
    MultipartPut start(String key, String sha256) {
        byte[] buffer = tryTakeBuffer();
        return buffer == null ? null : new MultipartPut(this, store, key, sha256, buffer);
    }

    /** A part buffer, allocated while fewer than {@code part-buffers} exist; null when all are taken. */
    byte[] tryTakeBuffer() {
        byte[] buffer = free.poll();
        if (buffer != null) {
            return buffer;
        }
        if (allocated.getAndIncrement() < maxBuffers) {
            return new byte[partSize];
        }
        allocated.decrementAndGet();
        return free.poll();
    }

    void giveBack(byte[] buffer) {
        free.add(buffer);
    }

    /** Part buffers that uploads hold now. */
    int buffersInUse() {
        return allocated.get() - free.size();
    }

    /** Sends {@code buffer[0, length)} as part {@code number} on the pool; the caller gets the buffer back when the future ends. */
    CompletableFuture<Part> send(String key, String uploadId, int number, byte[] buffer, int length) {
        return CompletableFuture.supplyAsync(() -> new Part(number, store.putPart(key, uploadId, number, buffer, length)),
                executor);
    }
}
