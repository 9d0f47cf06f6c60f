package io.rtml.registry.artifact;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.registry.onnx.FloatWeights;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Writes an upload to its spool file, all of it or, given {@link FloatWeights}, all but the bytes it leaves out. */
final class SpoolWriter implements FloatWeights.Runs, AutoCloseable {

    private final FileChannel channel;
    private final FloatWeights weights;
    private long written;
    /** The buffer being scanned, for {@link #keep}. */
    private byte[] scanned;

    SpoolWriter(Path file, FloatWeights weights) {
        try {
            this.channel = FileChannel.open(file, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw ArtifactSpool.spoolFailure(e);
        }
        this.weights = weights;
    }

    void write(byte[] bytes, int length) {
        if (weights == null) {
            writeFully(bytes, 0, length, written);
        } else {
            scanned = bytes;
            weights.scan(bytes, length, this);
        }
        written += length;
    }

    @Override
    public void keep(int offset, int length) {
        writeFully(scanned, offset, length, written + offset);
    }

    @Override
    public void leaveOut(int offset, int length) {
        // a hole: nothing is written, the file system keeps it sparse
    }

    /**
     * Gives the file its full length, even where it ends in a hole; returns the bytes left out.
     * Refuses a model whose left-out bytes turned out to matter ({@link FloatWeights#contradiction()}).
     */
    long finish(long size) {
        if (weights != null && weights.contradiction() != null) {
            throw new RtmlException(ErrorCode.NOT_ONNX, "the model cannot be checked: " + weights.contradiction());
        }
        if (length() < size) {
            // The last byte was left out: any byte there will do, as none of it is read for its value.
            writeFully(new byte[1], 0, 1, size - 1);
        }
        return weights == null ? 0 : weights.leftOut();
    }

    private long length() {
        try {
            return channel.size();
        } catch (IOException e) {
            throw ArtifactSpool.spoolFailure(e);
        }
    }

    /** A failure here is the server's own (a full disk, say), never the client's: see {@link ArtifactSpool#spoolFailure}. */
    private void writeFully(byte[] bytes, int offset, int length, long position) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        try {
            while (buffer.hasRemaining()) {
                position += channel.write(buffer, position);
            }
        } catch (IOException e) {
            throw ArtifactSpool.spoolFailure(e);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
