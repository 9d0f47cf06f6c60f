package io.rtml.scoring.bench;

import static io.rtml.testing.ProtoBuilder.headerSize;
import static io.rtml.testing.ProtoBuilder.message;
import static io.rtml.testing.ProtoBuilder.node;
import static io.rtml.testing.ProtoBuilder.tensorValue;
import static io.rtml.testing.ProtoBuilder.writeHeader;

import com.google.protobuf.CodedOutputStream;
import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.ModelProto;
import io.rtml.onnx.proto.TensorProto;
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
    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    private static final int INT64 = TensorProto.DataType.INT64_VALUE;

    /** Writes a model with about {@code weightBytes} of weights (a whole number of rows). */
    public static EmbeddingModel write(Path file, long weightBytes) throws IOException {
        long rows = weightBytes / (WIDTH * Float.BYTES);
        long rawBytes = rows * WIDTH * Float.BYTES;
        byte[] head = message()
                .varint(ModelProto.IR_VERSION_FIELD_NUMBER, 8)
                .string(ModelProto.PRODUCER_NAME_FIELD_NUMBER, "rtml-tests")
                .message(ModelProto.OPSET_IMPORT_FIELD_NUMBER, ProtoBuilder.opset("", 13)).toByteArray();
        byte[] graph = message()
                .message(GraphProto.NODE_FIELD_NUMBER, node("Gather", new String[] {"W", "ids"}, "y"))
                .string(GraphProto.NAME_FIELD_NUMBER, "embedding")
                .message(GraphProto.INPUT_FIELD_NUMBER, tensorValue("ids", INT64, "N"))
                .message(GraphProto.OUTPUT_FIELD_NUMBER, tensorValue("y", FLOAT, "N", (long) WIDTH))
                .toByteArray();
        byte[] tensor = message()
                .packed(TensorProto.DIMS_FIELD_NUMBER, rows, WIDTH)
                .varint(TensorProto.DATA_TYPE_FIELD_NUMBER, FLOAT)
                .string(TensorProto.NAME_FIELD_NUMBER, "W").toByteArray();
        long tensorBytes = tensor.length + headerSize(TensorProto.RAW_DATA_FIELD_NUMBER, rawBytes) + rawBytes;
        long graphBytes = graph.length + headerSize(GraphProto.INITIALIZER_FIELD_NUMBER, tensorBytes) + tensorBytes;
        MessageDigest digest = newDigest();
        try (OutputStream stream = new DigestOutputStream(Files.newOutputStream(file), digest)) {
            CodedOutputStream out = CodedOutputStream.newInstance(stream, 1 << 16);
            out.writeRawBytes(head);
            writeHeader(out, ModelProto.GRAPH_FIELD_NUMBER, graphBytes);
            out.writeRawBytes(graph);
            writeHeader(out, GraphProto.INITIALIZER_FIELD_NUMBER, tensorBytes);
            out.writeRawBytes(tensor);
            writeHeader(out, TensorProto.RAW_DATA_FIELD_NUMBER, rawBytes);
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
