package io.rtml.bench;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.ModelProto;
import io.rtml.onnx.proto.NodeProto;
import io.rtml.onnx.proto.OperatorSetIdProto;
import io.rtml.onnx.proto.TensorProto;
import io.rtml.onnx.proto.TensorShapeProto;
import io.rtml.onnx.proto.TypeProto;
import io.rtml.onnx.proto.ValueInfoProto;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;

/**
 * A valid ONNX model whose size is one large FLOAT initializer, written as a protobuf stream so that
 * the benchmark never holds the tensor in memory:
 *
 * <pre>
 * ModelProto { ir_version 8, producer_name "rtml-bench", opset_import { domain "", version 13 },
 *   graph { node Identity(W) -&gt; Y, name, output Y: tensor(float)[N],
 *           initializer W { dims [N], data_type FLOAT, name "W", raw_data N*4 bytes } } }
 * </pre>
 *
 * The initializer is written last, so its raw_data ends the file and {@link #stamp} can rewrite the
 * start of it in place.
 */
record BigOnnxModel(Path file, long sizeBytes, long elements, long rawDataOffset) {

    /** Bytes rewritten by {@link #stamp}: the first 1024 floats of W. */
    static final int STAMP_BYTES = 4096;
    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    private static final int BLOCK_BYTES = 1 << 16;

    /** Writes a model with {@code elements} floats in W (4 bytes each); at most about 2 GiB in all. */
    static BigOnnxModel write(Path file, long elements) throws IOException {
        long rawBytesLong = elements * Float.BYTES;
        if (elements < STAMP_BYTES / Float.BYTES || rawBytesLong > Integer.MAX_VALUE - 4096) {
            throw new IllegalArgumentException("elements must be in [1024, ~536M] so the model stays under 2 GiB: " + elements);
        }
        int rawBytes = (int) rawBytesLong;

        // Everything but W's raw_data is built with the generated classes; raw_data is streamed after it.
        byte[] modelHead = ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("rtml-bench")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .build()
                .toByteArray();
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(elements))
                .build();
        byte[] graphHead = GraphProto.newBuilder()
                .addNode(NodeProto.newBuilder().addInput("W").addOutput("Y").setName("identity").setOpType("Identity"))
                .setName("rtml_bench_identity")
                .addOutput(ValueInfoProto.newBuilder().setName("Y").setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(FLOAT).setShape(shape))))
                .build()
                .toByteArray();
        byte[] tensorHead = TensorProto.newBuilder().addDims(elements).setDataType(FLOAT).setName("W").build().toByteArray();

        int tensorSize = Math.addExact(tensorHead.length, lengthDelimitedSize(TensorProto.RAW_DATA_FIELD_NUMBER, rawBytes));
        int graphSize = Math.addExact(graphHead.length, lengthDelimitedSize(GraphProto.INITIALIZER_FIELD_NUMBER, tensorSize));

        byte[] block = patternBlock();
        long rawDataOffset;
        long written;
        try (OutputStream stream = new BufferedOutputStream(
                Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 20)) {
            CodedOutputStream out = CodedOutputStream.newInstance(stream, 1 << 16);
            out.writeRawBytes(modelHead);
            out.writeTag(ModelProto.GRAPH_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(graphSize);
            out.writeRawBytes(graphHead);
            out.writeTag(GraphProto.INITIALIZER_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(tensorSize);
            out.writeRawBytes(tensorHead);
            out.writeTag(TensorProto.RAW_DATA_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(rawBytes);
            rawDataOffset = out.getTotalBytesWritten();
            for (int left = rawBytes; left > 0; left -= block.length) {
                out.writeRawBytes(block, 0, Math.min(left, block.length));
            }
            out.flush();
            written = out.getTotalBytesWritten();
        }
        long size = Files.size(file);
        if (size != written) {
            throw new IOException("wrote " + written + " bytes but " + file + " has " + size);
        }
        return new BigOnnxModel(file, size, elements, rawDataOffset);
    }

    /**
     * Makes this file's bytes unique to {@code round}: the first 1024 floats of W become the round
     * number. The model stays valid (any float is a valid value); its SHA-256 changes.
     */
    void stamp(int round) throws IOException {
        ByteBuffer marker = ByteBuffer.allocate(STAMP_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        while (marker.hasRemaining()) {
            marker.putFloat(round);
        }
        marker.flip();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            long position = rawDataOffset;
            while (marker.hasRemaining()) {
                position += channel.write(marker, position);
            }
        }
    }

    /**
     * Loads the file in ONNX Runtime (as the registry and the scoring nodes will) and checks that it
     * is the model it should be: no inputs, one FLOAT output Y of shape [N].
     */
    void verifyWithOnnxRuntime() throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(file.toString(), options)) {
                Map<String, NodeInfo> outputs = session.getOutputInfo();
                NodeInfo y = outputs.get("Y");
                if (!session.getInputNames().isEmpty() || outputs.size() != 1 || y == null
                        || !(y.getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT
                        || !Arrays.equals(tensor.getShape(), new long[] {elements})) {
                    throw new BenchmarkFailure("ONNX Runtime loaded " + file + " but sees inputs " + session.getInputNames()
                            + " and outputs " + outputs + "; expected no inputs and Y: float[" + elements + "]");
                }
            }
        }
    }

    private static int lengthDelimitedSize(int field, int length) {
        return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(length) + length;
    }

    /** 64 KiB of little-endian floats 0, 0.25, 0.5, …, repeated through raw_data. */
    private static byte[] patternBlock() {
        ByteBuffer block = ByteBuffer.allocate(BLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; block.hasRemaining(); i++) {
            block.putFloat(i * 0.25f);
        }
        return block.array();
    }
}
