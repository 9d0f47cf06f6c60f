package io.rtml.testing;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import com.google.protobuf.WireFormat;
import io.rtml.onnx.proto.AttributeProto;
import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.ModelProto;
import io.rtml.onnx.proto.NodeProto;
import io.rtml.onnx.proto.OperatorSetIdProto;
import io.rtml.onnx.proto.StringStringEntryProto;
import io.rtml.onnx.proto.TensorProto;
import io.rtml.onnx.proto.TensorShapeProto;
import io.rtml.onnx.proto.TypeProto;
import io.rtml.onnx.proto.ValueInfoProto;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes protobuf messages field by field, so that tests can build ONNX files that the generated
 * builders would not write: hostile ones, fields repeated or out of order, dims packed as proto3
 * writers pack them. Field numbers come from the generated classes (onnx-format's onnx.proto);
 * well-formed parts are built with the generated builders and wrapped with {@link #of}.
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

    /** A builder that starts with the fields of a message built with the generated classes. */
    public static ProtoBuilder of(MessageLite message) {
        return new ProtoBuilder().raw(message.toByteArray());
    }

    private ProtoBuilder raw(byte[] fields) {
        return write(() -> out.writeRawBytes(fields));
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
        return message()
                .varint(ModelProto.IR_VERSION_FIELD_NUMBER, 8)
                .string(ModelProto.PRODUCER_NAME_FIELD_NUMBER, "rtml-tests")
                .message(ModelProto.OPSET_IMPORT_FIELD_NUMBER, opset("", 13))
                .message(ModelProto.GRAPH_FIELD_NUMBER, graph);
    }

    public static ProtoBuilder opset(String domain, long version) {
        return of(OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version).build());
    }

    public static ProtoBuilder node(String opType, String[] inputs, String... outputs) {
        return of(nodeProto(opType, inputs, outputs));
    }

    public static NodeProto nodeProto(String opType, String[] inputs, String... outputs) {
        return NodeProto.newBuilder().addAllInput(List.of(inputs)).addAllOutput(List.of(outputs)).setOpType(opType).build();
    }

    /** ValueInfoProto of a tensor; each dim a Long (value), a String (name) or null (neither). */
    public static ProtoBuilder tensorValue(String name, int elementType, Object... dims) {
        return of(valueInfo(name, elementType, dims));
    }

    /** As {@link #tensorValue}, the generated message. */
    public static ValueInfoProto valueInfo(String name, int elementType, Object... dims) {
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(tensorTypeProto(elementType, dims))).build();
    }

    public static ProtoBuilder tensorType(int elementType, Object... dims) {
        return of(tensorTypeProto(elementType, dims));
    }

    private static TypeProto.Tensor tensorTypeProto(int elementType, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object dim : dims) {
            TensorShapeProto.Dimension.Builder dimension = shape.addDimBuilder();
            if (dim instanceof Long value) {
                dimension.setDimValue(value);
            } else if (dim instanceof String param) {
                dimension.setDimParam(param);
            }
        }
        return TypeProto.Tensor.newBuilder().setElemType(elementType).setShape(shape).build();
    }

    /** TensorProto (FLOAT) with dims and no data. */
    public static ProtoBuilder floatTensor(String name, long... dims) {
        return message().packed(TensorProto.DIMS_FIELD_NUMBER, dims)
                .varint(TensorProto.DATA_TYPE_FIELD_NUMBER, TensorProto.DataType.FLOAT_VALUE)
                .string(TensorProto.NAME_FIELD_NUMBER, name);
    }

    /** StringStringEntryProto, as in external_data and metadata_props. */
    public static ProtoBuilder entry(String key, String value) {
        return of(StringStringEntryProto.newBuilder().setKey(key).setValue(value).build());
    }

    /** The smallest model ONNX Runtime loads: y = Identity(x). */
    public static ProtoBuilder identityGraph() {
        return message()
                .message(GraphProto.NODE_FIELD_NUMBER, node("Identity", new String[] {"x"}, "y"))
                .string(GraphProto.NAME_FIELD_NUMBER, "identity")
                .message(GraphProto.INPUT_FIELD_NUMBER, tensorValue("x", TensorProto.DataType.FLOAT_VALUE, "N", 3L))
                .message(GraphProto.OUTPUT_FIELD_NUMBER, tensorValue("y", TensorProto.DataType.FLOAT_VALUE, "N", 3L));
    }

    /**
     * {@code y = If(cond)}, named "choose", whose then and else branches are both {@code c = Constant(value)}
     * with {@code value} a float tensor of {@code width} elements: a tensor that ONNX Runtime only reaches in a
     * subgraph's attribute.
     */
    public static ProtoBuilder ifOfConstants(ProtoBuilder value, long width) {
        ProtoBuilder constant = node("Constant", new String[0], "c")
                .message(NodeProto.ATTRIBUTE_FIELD_NUMBER, message()
                        .string(AttributeProto.NAME_FIELD_NUMBER, "value")
                        .varint(AttributeProto.TYPE_FIELD_NUMBER, AttributeProto.AttributeType.TENSOR_VALUE)
                        .message(AttributeProto.T_FIELD_NUMBER, value));
        ProtoBuilder branch = message()
                .message(GraphProto.NODE_FIELD_NUMBER, constant)
                .message(GraphProto.OUTPUT_FIELD_NUMBER, tensorValue("c", TensorProto.DataType.FLOAT_VALUE, width));
        return node("If", new String[] {"cond"}, "y").string(NodeProto.NAME_FIELD_NUMBER, "choose")
                .message(NodeProto.ATTRIBUTE_FIELD_NUMBER, graphAttribute("then_branch", branch))
                .message(NodeProto.ATTRIBUTE_FIELD_NUMBER, graphAttribute("else_branch", branch));
    }

    private static ProtoBuilder graphAttribute(String name, ProtoBuilder graph) {
        return message()
                .string(AttributeProto.NAME_FIELD_NUMBER, name)
                .varint(AttributeProto.TYPE_FIELD_NUMBER, AttributeProto.AttributeType.GRAPH_VALUE)
                .message(AttributeProto.G_FIELD_NUMBER, graph);
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
