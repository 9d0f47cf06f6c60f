package io.rtml.registry.onnx;

import io.rtml.testing.ProtoBuilder;
import static io.rtml.testing.ProtoBuilder.headerSize;
import static io.rtml.testing.ProtoBuilder.message;
import static io.rtml.testing.ProtoBuilder.writeHeader;

import com.google.protobuf.CodedOutputStream;
import io.rtml.onnx.proto.AttributeProto;
import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.ModelProto;
import io.rtml.onnx.proto.NodeProto;
import io.rtml.onnx.proto.TensorProto;
import io.rtml.onnx.proto.TypeProto;
import io.rtml.onnx.proto.ValueInfoProto;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * ONNX files nested thousands of levels deep. Built outside-in from precomputed lengths, since
 * wrapping the bytes level by level would copy them quadratically (and recursion is what we test).
 */
final class DeepModels {

    /** One level of nesting: a chain of length-delimited fields, each with fixed bytes before the next. */
    private record Wrapper(int field, byte[] prefix) {}

    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;

    private DeepModels() {}

    /** A main graph whose node has a graph attribute whose node has a graph attribute ... {@code depth} times. */
    static byte[] nestedSubgraphs(int depth) {
        byte[] attributeHead = AttributeProto.newBuilder().setName("body").setType(AttributeProto.AttributeType.GRAPH).build().toByteArray();
        byte[] graph = nest(new byte[0], depth,
                new Wrapper(GraphProto.NODE_FIELD_NUMBER, new byte[0]), new Wrapper(NodeProto.ATTRIBUTE_FIELD_NUMBER, new byte[0]),
                new Wrapper(AttributeProto.G_FIELD_NUMBER, attributeHead));
        return withGraph(graph);
    }

    /** A graph input of type seq(seq(...(tensor(float)))) nested {@code depth} times. */
    static byte[] nestedSequenceType(int depth) {
        byte[] tensor = message().message(TypeProto.TENSOR_TYPE_FIELD_NUMBER, ProtoBuilder.tensorType(FLOAT, 1L)).toByteArray();
        byte[] type = nest(tensor, depth, new Wrapper(TypeProto.SEQUENCE_TYPE_FIELD_NUMBER, new byte[0]),
                new Wrapper(TypeProto.Sequence.ELEM_TYPE_FIELD_NUMBER, new byte[0]));
        ProtoBuilder graph = message()
                .message(GraphProto.INPUT_FIELD_NUMBER, message()
                        .string(ValueInfoProto.NAME_FIELD_NUMBER, "x").bytes(ValueInfoProto.TYPE_FIELD_NUMBER, type))
                .message(GraphProto.OUTPUT_FIELD_NUMBER, ProtoBuilder.tensorValue("y", FLOAT, 1L));
        return ProtoBuilder.model(graph).toByteArray();
    }

    private static byte[] withGraph(byte[] graph) {
        return message()
                .varint(ModelProto.IR_VERSION_FIELD_NUMBER, 8)
                .message(ModelProto.OPSET_IMPORT_FIELD_NUMBER, ProtoBuilder.opset("", 13))
                .bytes(ModelProto.GRAPH_FIELD_NUMBER, graph)
                .toByteArray();
    }

    private static byte[] nest(byte[] core, int times, Wrapper... level) {
        int count = times * level.length;
        long[] inner = new long[count + 1];
        inner[count] = core.length;
        for (int i = count - 1; i >= 0; i--) {
            Wrapper wrapper = level[i % level.length];
            inner[i] = wrapper.prefix().length + headerSize(wrapper.field(), inner[i + 1]) + inner[i + 1];
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) inner[0]);
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            for (int i = 0; i < count; i++) {
                Wrapper wrapper = level[i % level.length];
                out.writeRawBytes(wrapper.prefix());
                writeHeader(out, wrapper.field(), inner[i + 1]);
            }
            out.writeRawBytes(core);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
