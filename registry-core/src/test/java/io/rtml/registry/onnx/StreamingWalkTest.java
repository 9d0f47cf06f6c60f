package io.rtml.registry.onnx;

import io.rtml.onnx.InspectionLimits;
import io.rtml.onnx.ModelSignature;
import io.rtml.onnx.ModelWalker;
import io.rtml.onnx.ValueSpec;
import io.rtml.testing.ProtoBuilder;
import static io.rtml.testing.ProtoBuilder.headerSize;
import static io.rtml.testing.ProtoBuilder.message;
import static io.rtml.testing.ProtoBuilder.node;
import static io.rtml.testing.ProtoBuilder.tensorValue;
import static io.rtml.testing.ProtoBuilder.writeHeader;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import com.sun.management.ThreadMXBean;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The walk skips tensor data instead of reading it: memory does not grow with the model. */
class StreamingWalkTest {

    private static final long FLOATS = 16L << 20; // 64 MiB of raw_data

    @TempDir
    Path dir;

    @Test
    void walksA64MiBModelAllocatingLessThan8MiB() throws IOException {
        Path file = writeModel(dir.resolve("large.onnx"));
        assertThat(Files.size(file)).isGreaterThan(64L << 20);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        ModelWalker.walk(file, InspectionLimits.defaults()); // loads the classes, which allocates too

        long before = threads.getCurrentThreadAllocatedBytes();
        ModelSignature signature = ModelWalker.walk(file, InspectionLimits.defaults());
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(allocated).as("bytes allocated by the walk").isLessThan(8L << 20);
        assertThat(signature.inputs()).containsExactly(new ValueSpec("x", "tensor(float)", "FP32", List.of(FLOATS)));
        // The file is a real model, so the walk above was not cut short by a refusal.
        assertThat(new OnnxInspector(InspectionLimits.defaults()).inspect(file)).isEqualTo(signature);
    }

    /** y = x + w with w a FLOAT initializer whose raw_data is streamed to disk, never held in memory. */
    private static Path writeModel(Path file) throws IOException {
        byte[] model = message().varint(1, 8).string(2, "rtml-tests").message(8, ProtoBuilder.opset("", 13)).toByteArray();
        byte[] graph = message()
                .message(1, node("Add", new String[] {"x", "w"}, "y"))
                .string(2, "large")
                .message(11, tensorValue("x", 1, FLOATS))
                .message(12, tensorValue("y", 1, FLOATS))
                .toByteArray();
        byte[] tensor = message().packed(1, FLOATS).varint(2, 1).string(8, "w").toByteArray();
        long rawBytes = FLOATS * Float.BYTES;
        long tensorBytes = tensor.length + headerSize(9, rawBytes) + rawBytes;
        long graphBytes = graph.length + headerSize(5, tensorBytes) + tensorBytes;
        try (OutputStream stream = Files.newOutputStream(file)) {
            CodedOutputStream out = CodedOutputStream.newInstance(stream, 1 << 16);
            out.writeRawBytes(model);
            writeHeader(out, 7, graphBytes);
            out.writeRawBytes(graph);
            writeHeader(out, 5, tensorBytes);
            out.writeRawBytes(tensor);
            writeHeader(out, 9, rawBytes);
            byte[] chunk = new byte[1 << 20];
            for (long written = 0; written < rawBytes; written += chunk.length) {
                out.writeRawBytes(chunk);
            }
            out.flush();
        }
        return file;
    }
}
