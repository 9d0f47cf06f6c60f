package io.rtml.registry.artifact;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * The bytes of an upload on their way to an S3 PUT that started before they all arrived, passed from
 * the receiving thread to the PUT's thread through a few buffers in memory. The PUT never gets the
 * last byte before {@link #release()}: S3 creates an object only when its PUT completes, so no
 * object can exist before the registry has checked the upload. After {@link #abandon()} the PUT
 * fails, and the writer no longer waits for it.
 *
 * <p>The bytes are not kept anywhere else (the spool file may lack the weights), so the PUT can be
 * sent once only: a second {@link #open()} fails instead of letting the S3 SDK retry with what is
 * left of the stream.
 */
final class PutFeed {

    /** How long the PUT may take no bytes before the upload gives up on it. */
    static final Duration STALL = Duration.ofMinutes(1);

    private final long size;
    private final Deque<byte[]> spare = new ArrayDeque<>();
    private final Deque<Chunk> ready = new ArrayDeque<>();
    private long written;
    private boolean opened;
    private boolean released;
    private boolean abandoned;

    private record Chunk(byte[] bytes, int length) {}

    /** {@code size}: the length the upload declared, which the PUT was started with. */
    PutFeed(long size, int buffers, int bufferSize) {
        this.size = size;
        for (int i = 0; i < buffers; i++) {
            spare.add(new byte[bufferSize]);
        }
    }

    long size() {
        return size;
    }

    /**
     * Copies {@code bytes[0, length)} for the PUT, waiting while all buffers are full. Bytes beyond
     * the declared size are dropped: the upload's own checks (size, SHA-256) decide about those. Fails
     * once the PUT is gone, or when it took nothing for {@link #STALL}, so that the client is told at
     * once instead of after sending the rest for nothing.
     */
    synchronized void write(byte[] bytes, int length) {
        for (int offset = 0; offset < length && written < size; ) {
            long deadline = System.nanoTime() + STALL.toNanos();
            while (spare.isEmpty() && !abandoned) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    abandon();
                    break;
                }
                waitHere(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            }
            if (abandoned) {
                throw new RtmlException(ErrorCode.STORAGE_UNAVAILABLE,
                        "the artifact store stopped taking the upload; nothing was kept, send it again");
            }
            byte[] buffer = spare.poll();
            int n = (int) Math.min(Math.min(length - offset, buffer.length), size - written);
            System.arraycopy(bytes, offset, buffer, 0, n);
            ready.add(new Chunk(buffer, n));
            written += n;
            offset += n;
            notifyAll();
        }
    }

    /** The upload passed its checks: let the PUT send its last byte. */
    synchronized void release() {
        if (!abandoned) {
            released = true;
            notifyAll();
        }
    }

    /** The upload failed or was refused, or the PUT failed: fail the PUT, unless it was released already. */
    synchronized void abandon() {
        if (!released) {
            abandoned = true;
            ready.clear();
            notifyAll();
        }
    }

    /** The PUT's body; once only. */
    synchronized InputStream open() {
        if (opened) {
            // Unchecked on purpose, like every failure of this stream: the S3 SDK retries a PUT whose
            // body failed with an IOException, and the bytes it would need again are gone.
            throw new IllegalStateException("the PUT that follows an upload cannot be retried");
        }
        opened = true;
        return new Reader();
    }

    private void waitHere(long millis) {
        try {
            wait(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while passing an upload to S3", e);
        }
    }

    private final class Reader extends InputStream {

        private Chunk current;
        private int offset;
        private long position;

        @Override
        public int read(byte[] buffer, int from, int length) throws InterruptedIOException {
            if (length == 0) {
                return 0;
            }
            synchronized (PutFeed.this) {
                while (true) {
                    if (abandoned) {
                        throw new IllegalStateException("the upload was abandoned before it passed its checks");
                    }
                    if (position == size) {
                        return -1;
                    }
                    if (current != null && offset == current.length()) {
                        spare.add(current.bytes());
                        current = null;
                        PutFeed.this.notifyAll();
                    }
                    if (current == null) {
                        current = ready.poll();
                        offset = 0;
                    }
                    long allowed = released ? size - position : size - 1 - position;
                    int n = current == null ? 0 : (int) Math.min(Math.min(length, current.length() - offset), allowed);
                    if (n > 0) {
                        System.arraycopy(current.bytes(), offset, buffer, from, n);
                        offset += n;
                        position += n;
                        return n;
                    }
                    try {
                        PutFeed.this.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while following the upload");
                    }
                }
            }
        }

        @Override
        public int read() throws InterruptedIOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }
    }
}
