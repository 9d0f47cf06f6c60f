package io.rtml.registry.artifact;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.registry.onnx.FloatWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
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

    SpoolWriter(Path file, FloatWeights weights) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.WRITE);
        this.weights = weights;
    }

    void write(byte[] bytes, int length) throws IOException {
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
        try {
            writeFully(scanned, offset, length, written + offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void leaveOut(int offset, int length) {
        // a hole: nothing is written, the file system keeps it sparse
    }

    /**
     * Gives the file its full length, even where it ends in a hole; returns the bytes left out.
     * Refuses a model whose left-out bytes turned out to matter ({@link FloatWeights#contradiction()}).
     */
    long finish(long size) throws IOException {
        if (weights != null && weights.contradiction() != null) {
            throw new RtmlException(ErrorCode.NOT_ONNX, "the model cannot be checked: " + weights.contradiction());
        }
        if (channel.size() < size) {
            // The last byte was left out: any byte there will do, as none of it is read for its value.
            writeFully(new byte[1], 0, 1, size - 1);
        }
        return weights == null ? 0 : weights.leftOut();
    }

    private void writeFully(byte[] bytes, int offset, int length, long position) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
