package io.rtml.registry.onnx;

import io.rtml.testing.ProtoBuilder;
import static io.rtml.testing.ProtoBuilder.headerSize;
import static io.rtml.testing.ProtoBuilder.message;
import static io.rtml.testing.ProtoBuilder.writeHeader;

import com.google.protobuf.CodedOutputStream;
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

    private DeepModels() {}

    /** A main graph whose node has a graph attribute whose node has a graph attribute ... {@code depth} times. */
    static byte[] nestedSubgraphs(int depth) {
        byte[] attributeHead = message().string(1, "body").varint(20, 5).toByteArray();
        byte[] graph = nest(new byte[0], depth,
                new Wrapper(1, new byte[0]), new Wrapper(5, new byte[0]), new Wrapper(6, attributeHead));
        return withGraph(graph);
    }

    /** A graph input of type seq(seq(...(tensor(float)))) nested {@code depth} times. */
    static byte[] nestedSequenceType(int depth) {
        byte[] tensor = message().message(1, ProtoBuilder.tensorType(1, 1L)).toByteArray();
        byte[] type = nest(tensor, depth, new Wrapper(4, new byte[0]), new Wrapper(1, new byte[0]));
        ProtoBuilder graph = message()
                .message(11, message().string(1, "x").bytes(2, type))
                .message(12, ProtoBuilder.tensorValue("y", 1, 1L));
        return ProtoBuilder.model(graph).toByteArray();
    }

    private static byte[] withGraph(byte[] graph) {
        return message().varint(1, 8).message(8, ProtoBuilder.opset("", 13)).bytes(7, graph).toByteArray();
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
