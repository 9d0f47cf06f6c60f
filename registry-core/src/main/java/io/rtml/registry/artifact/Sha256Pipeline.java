package io.rtml.registry.artifact;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * SHA-256 of a stream, computed on another thread while the caller goes on receiving and writing.
 * Receiving an upload is CPU-bound on one thread (socket reads, spool writes, hashing: about 2 s a GiB
 * here, a third of it hashing), and the digest cannot be split, so it gets a thread of its own. The
 * caller fills buffers it takes from {@link #buffer()} and hands them over with {@link #update}; a
 * handed-over buffer may still be read (written to the spool) but not changed until it comes back.
 */
final class Sha256Pipeline implements AutoCloseable {

    private static final byte[] END = new byte[0];

    private final MessageDigest sha256 = newDigest();
    private final BlockingQueue<byte[]> free;
    private final BlockingQueue<Chunk> full;
    private final CompletableFuture<String> digest = new CompletableFuture<>();

    private record Chunk(byte[] bytes, int length) {}

    Sha256Pipeline(Executor executor, int buffers, int bufferSize) {
        free = new ArrayBlockingQueue<>(buffers);
        full = new ArrayBlockingQueue<>(buffers + 1);
        for (int i = 0; i < buffers; i++) {
            free.add(new byte[bufferSize]);
        }
        executor.execute(this::hashUntilEnd);
    }

    /** A buffer to fill; waits while every buffer is still being hashed, and fails if the hashing thread stopped. */
    byte[] buffer() {
        try {
            byte[] buffer;
            while ((buffer = free.poll(100, TimeUnit.MILLISECONDS)) == null) {
                if (digest.isDone()) {
                    throw new IllegalStateException("the thread hashing the upload stopped");
                }
            }
            return buffer;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while hashing an upload", e);
        }
    }

    /** Hands the first {@code length} bytes of {@code buffer} (from {@link #buffer()}) to the hashing thread. */
    void update(byte[] buffer, int length) {
        enqueue(new Chunk(buffer, length));
    }

    /** The digest of everything handed over, in lowercase hex. */
    String finish() {
        enqueue(new Chunk(END, 0));
        try {
            return digest.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while hashing an upload", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("hashing the upload failed", e.getCause());
        }
    }

    /** Stops the hashing thread if {@link #finish()} was not called (the upload failed). */
    @Override
    public void close() {
        if (!digest.isDone()) {
            full.clear();
            full.offer(new Chunk(END, 0));
        }
    }

    private void enqueue(Chunk chunk) {
        try {
            full.put(chunk);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while hashing an upload", e);
        }
    }

    private void hashUntilEnd() {
        try {
            for (Chunk chunk = full.take(); chunk.bytes() != END; chunk = full.take()) {
                sha256.update(chunk.bytes(), 0, chunk.length());
                free.add(chunk.bytes());
            }
            digest.complete(HexFormat.of().formatHex(sha256.digest()));
        } catch (InterruptedException | RuntimeException e) {
            digest.completeExceptionally(e);
        } catch (Error e) {
            digest.completeExceptionally(e); // the upload fails instead of waiting for ever
            throw e;
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
