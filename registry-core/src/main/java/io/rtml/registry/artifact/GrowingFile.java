package io.rtml.registry.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * A spool file while the upload is written to it, read at the same time by an S3 PUT that follows the
 * writer. The reader never gets the last byte before {@link #release()}: S3 creates an object only when
 * its PUT completes, so no object can exist before the registry has checked the upload. After
 * {@link #abandon()} every read fails, and the PUT with it, without retries.
 */
final class GrowingFile implements LongConsumer {

    private final Path file;
    private final long size;
    private long written;
    private boolean released;
    private boolean abandoned;

    /** {@code size}: the length the upload declared, which the PUT was started with. */
    GrowingFile(Path file, long size) {
        this.file = file;
        this.size = size;
    }

    long size() {
        return size;
    }

    /** The writer has written {@code total} bytes. */
    @Override
    public synchronized void accept(long total) {
        written = total;
        notifyAll();
    }

    /** The upload passed its checks: let the reader finish. */
    synchronized void release() {
        if (!abandoned) {
            released = true;
            notifyAll();
        }
    }

    /** The upload failed or was refused: fail the reader, unless it was released already. */
    synchronized void abandon() {
        if (!released) {
            abandoned = true;
            notifyAll();
        }
    }

    /** A new reader from the first byte (the S3 SDK asks for one per attempt). */
    InputStream follow() {
        return new Follower();
    }

    /** How many bytes from {@code position} may be read now, waiting for the writer or the release; -1 at the end. */
    private synchronized long readable(long position) throws IOException {
        while (!abandoned) {
            long limit = Math.min(written, released ? size : size - 1);
            if (position < limit) {
                return limit - position;
            }
            if (released && position >= size) {
                return -1;
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while following the upload");
            }
        }
        // Unchecked on purpose: the S3 SDK retries a PUT whose body failed with an IOException, and
        // each attempt would leave the server a partial file to clean up.
        throw new IllegalStateException("the upload was abandoned before it passed its checks");
    }

    private final class Follower extends InputStream {

        private FileChannel channel;
        private long position;

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            long readable = readable(position);
            if (readable < 0) {
                return -1;
            }
            if (channel == null) {
                channel = FileChannel.open(file);
            }
            int n = channel.read(ByteBuffer.wrap(buffer, offset, (int) Math.min(length, readable)), position);
            if (n < 0) {
                throw new IOException("the spool file ended at " + position + " of " + size + " bytes");
            }
            position += n;
            return n;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public void close() throws IOException {
            if (channel != null) {
                channel.close();
            }
        }
    }
}
