package io.rtml.testing;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes protobuf messages field by field, so that tests can build ONNX files (valid or hostile)
 * without generated ONNX classes. Field numbers are onnx.proto's.
 */
public final class ProtoBuilder {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

    public static ProtoBuilder message() {
        return new ProtoBuilder();
    }

    public ProtoBuilder varint(int field, long value) {
        return write(() -> out.writeInt64(field, value));
    }

    public ProtoBuilder string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    public ProtoBuilder bytes(int field, byte[] value) {
        return write(() -> out.writeByteArray(field, value));
    }

    public ProtoBuilder message(int field, ProtoBuilder value) {
        return bytes(field, value.toByteArray());
    }

    /** A repeated int64 in proto3's packed form. */
    public ProtoBuilder packed(int field, long... values) {
        ProtoBuilder body = new ProtoBuilder();
        for (long value : values) {
            body.write(() -> body.out.writeInt64NoTag(value));
        }
        return bytes(field, body.toByteArray());
    }

    public byte[] toByteArray() {
        write(out::flush);
        return bytes.toByteArray();
    }

    /** The size of a tag plus a length prefix, for tests that stream large or deep messages. */
    public static int headerSize(int field, long length) {
        return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt64SizeNoTag(length);
    }

    public static void writeHeader(CodedOutputStream out, int field, long length) throws IOException {
        out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt64NoTag(length);
    }

    // ---- ONNX messages used by several tests ----

    /** ModelProto with IR 8, the default opset 13 and the given graph. */
    public static ProtoBuilder model(ProtoBuilder graph) {
        return message().varint(1, 8).string(2, "rtml-tests").message(8, opset("", 13)).message(7, graph);
    }

    public static ProtoBuilder opset(String domain, long version) {
        return message().string(1, domain).varint(2, version);
    }

    public static ProtoBuilder node(String opType, String[] inputs, String... outputs) {
        ProtoBuilder node = message();
        for (String input : inputs) {
            node.string(1, input);
        }
        for (String output : outputs) {
            node.string(2, output);
        }
        return node.string(4, opType);
    }

    /** ValueInfoProto of a tensor; each dim a Long (value), a String (name) or null (neither). */
    public static ProtoBuilder tensorValue(String name, int elementType, Object... dims) {
        return message().string(1, name).message(2, message().message(1, tensorType(elementType, dims)));
    }

    public static ProtoBuilder tensorType(int elementType, Object... dims) {
        ProtoBuilder shape = message();
        for (Object dim : dims) {
            ProtoBuilder dimension = message();
            if (dim instanceof Long value) {
                dimension.varint(1, value);
            } else if (dim instanceof String param) {
                dimension.string(2, param);
            }
            shape.message(1, dimension);
        }
        return message().varint(1, elementType).message(2, shape);
    }

    /** TensorProto (FLOAT) with dims and no data. */
    public static ProtoBuilder floatTensor(String name, long... dims) {
        return message().packed(1, dims).varint(2, 1).string(8, name);
    }

    /** StringStringEntryProto, as in external_data and metadata_props. */
    public static ProtoBuilder entry(String key, String value) {
        return message().string(1, key).string(2, value);
    }

    /** The smallest model ONNX Runtime loads: y = Identity(x). */
    public static ProtoBuilder identityGraph() {
        return message()
                .message(1, node("Identity", new String[] {"x"}, "y"))
                .string(2, "identity")
                .message(11, tensorValue("x", 1, "N", 3L))
                .message(12, tensorValue("y", 1, "N", 3L));
    }

    private interface Write {
        void run() throws IOException;
    }

    private ProtoBuilder write(Write write) {
        try {
            write.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
