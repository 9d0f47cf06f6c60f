package io.rtml.registry.onnx;

import io.rtml.onnx.InspectionLimits;
import io.rtml.onnx.ModelSignature;
import io.rtml.onnx.ModelWalker;
import io.rtml.onnx.ValueSpec;
import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.ModelProto;
import io.rtml.onnx.proto.OperatorSetIdProto;
import io.rtml.onnx.proto.TensorProto;
import static io.rtml.testing.ProtoBuilder.headerSize;
import static io.rtml.testing.ProtoBuilder.nodeProto;
import static io.rtml.testing.ProtoBuilder.valueInfo;
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
    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;

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
        byte[] model = ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("rtml-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .build()
                .toByteArray();
        byte[] graph = GraphProto.newBuilder()
                .addNode(nodeProto("Add", new String[] {"x", "w"}, "y"))
                .setName("large")
                .addInput(valueInfo("x", FLOAT, FLOATS))
                .addOutput(valueInfo("y", FLOAT, FLOATS))
                .build()
                .toByteArray();
        byte[] tensor = TensorProto.newBuilder().addDims(FLOATS).setDataType(FLOAT).setName("w").build().toByteArray();
        long rawBytes = FLOATS * Float.BYTES;
        long tensorBytes = tensor.length + headerSize(TensorProto.RAW_DATA_FIELD_NUMBER, rawBytes) + rawBytes;
        long graphBytes = graph.length + headerSize(GraphProto.INITIALIZER_FIELD_NUMBER, tensorBytes) + tensorBytes;
        try (OutputStream stream = Files.newOutputStream(file)) {
            CodedOutputStream out = CodedOutputStream.newInstance(stream, 1 << 16);
            out.writeRawBytes(model);
            writeHeader(out, ModelProto.GRAPH_FIELD_NUMBER, graphBytes);
            out.writeRawBytes(graph);
            writeHeader(out, GraphProto.INITIALIZER_FIELD_NUMBER, tensorBytes);
            out.writeRawBytes(tensor);
            writeHeader(out, TensorProto.RAW_DATA_FIELD_NUMBER, rawBytes);
            byte[] chunk = new byte[1 << 20];
            for (long written = 0; written < rawBytes; written += chunk.length) {
                out.writeRawBytes(chunk);
            }
            out.flush();
        }
        return file;
    }
}
