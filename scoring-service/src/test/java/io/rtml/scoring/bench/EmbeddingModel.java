package io.rtml.scoring.bench;

import static io.rtml.testing.ProtoBuilder.headerSize;
import static io.rtml.testing.ProtoBuilder.message;
import static io.rtml.testing.ProtoBuilder.node;
import static io.rtml.testing.ProtoBuilder.tensorValue;
import static io.rtml.testing.ProtoBuilder.writeHeader;

import com.google.protobuf.CodedOutputStream;
import io.rtml.testing.ProtoBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A servable model as large as wanted, written as a stream so that the writer never holds its
 * weights: {@code y = Gather(W, ids)} with W a FLOAT[rows, 16] initializer whose row r holds the
 * value r, so a prediction for id r is sixteen r's. An embedding table is the common shape of a
 * model that is large and still cheap to run.
 *
 * @param rows rows of W (64 bytes each)
 */
public record EmbeddingModel(Path file, String sha256, long sizeBytes, long rows) {

    public static final int WIDTH = 16;

    /** Writes a model with about {@code weightBytes} of weights (a whole number of rows). */
    public static EmbeddingModel write(Path file, long weightBytes) throws IOException {
        long rows = weightBytes / (WIDTH * Float.BYTES);
        long rawBytes = rows * WIDTH * Float.BYTES;
        byte[] head = message().varint(1, 8).string(2, "rtml-tests").message(8, ProtoBuilder.opset("", 13)).toByteArray();
        byte[] graph = message()
                .message(1, node("Gather", new String[] {"W", "ids"}, "y"))
                .string(2, "embedding")
                .message(11, tensorValue("ids", 7, "N"))
                .message(12, tensorValue("y", 1, "N", (long) WIDTH))
                .toByteArray();
        byte[] tensor = message().packed(1, rows, WIDTH).varint(2, 1).string(8, "W").toByteArray();
        long tensorBytes = tensor.length + headerSize(9, rawBytes) + rawBytes;
        long graphBytes = graph.length + headerSize(5, tensorBytes) + tensorBytes;
        MessageDigest digest = newDigest();
        try (OutputStream stream = new DigestOutputStream(Files.newOutputStream(file), digest)) {
            CodedOutputStream out = CodedOutputStream.newInstance(stream, 1 << 16);
            out.writeRawBytes(head);
            writeHeader(out, 7, graphBytes);
            out.writeRawBytes(graph);
            writeHeader(out, 5, tensorBytes);
            out.writeRawBytes(tensor);
            writeHeader(out, 9, rawBytes);
            ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (long row = 0; row < rows; row++) {
                for (int c = 0; c < WIDTH; c++) {
                    chunk.putFloat(row);
                }
                if (!chunk.hasRemaining() || row == rows - 1) {
                    out.writeRawBytes(chunk.array(), 0, chunk.position());
                    chunk.clear();
                }
            }
            out.flush();
        }
        return new EmbeddingModel(file, HexFormat.of().formatHex(digest.digest()), Files.size(file), rows);
    }

    /** An OIP infer body asking for the rows {@code ids}. */
    public static String inferBody(long... ids) {
        StringBuilder data = new StringBuilder();
        for (long id : ids) {
            data.append(data.isEmpty() ? "" : ",").append(id);
        }
        return "{\"inputs\":[{\"name\":\"ids\",\"datatype\":\"INT64\",\"shape\":[" + ids.length + "],\"data\":[" + data + "]}]}";
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
