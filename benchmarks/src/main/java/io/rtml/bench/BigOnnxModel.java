package io.rtml.bench;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
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
 * Field numbers are those of onnx/onnx.proto. The initializer is written last, so its raw_data ends
 * the file and {@link #stamp} can rewrite the start of it in place.
 */
record BigOnnxModel(Path file, long sizeBytes, long elements, long rawDataOffset) {

    // ModelProto
    private static final int MODEL_IR_VERSION = 1;
    private static final int MODEL_PRODUCER_NAME = 2;
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_OPSET_IMPORT = 8;
    // OperatorSetIdProto
    private static final int OPSET_DOMAIN = 1;
    private static final int OPSET_VERSION = 2;
    // GraphProto
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_NAME = 2;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_OUTPUT = 12;
    // NodeProto
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    // TensorProto
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    private static final int DATA_TYPE_FLOAT = 1;
    // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, TensorShapeProto.Dimension
    private static final int VALUE_INFO_NAME = 1;
    private static final int VALUE_INFO_TYPE = 2;
    private static final int TYPE_TENSOR_TYPE = 1;
    private static final int TENSOR_TYPE_ELEM_TYPE = 1;
    private static final int TENSOR_TYPE_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_VALUE = 1;

    /** Bytes rewritten by {@link #stamp}: the first 1024 floats of W. */
    static final int STAMP_BYTES = 4096;
    private static final int BLOCK_BYTES = 1 << 16;

    @FunctionalInterface
    private interface Body {
        void write(CodedOutputStream out) throws IOException;
    }

    /** Writes a model with {@code elements} floats in W (4 bytes each); at most about 2 GiB in all. */
    static BigOnnxModel write(Path file, long elements) throws IOException {
        long rawBytesLong = elements * Float.BYTES;
        if (elements < STAMP_BYTES / Float.BYTES || rawBytesLong > Integer.MAX_VALUE - 4096) {
            throw new IllegalArgumentException("elements must be in [1024, ~536M] so the model stays under 2 GiB: " + elements);
        }
        int rawBytes = (int) rawBytesLong;

        byte[] opset = message(out -> {
            out.writeString(OPSET_DOMAIN, "");
            out.writeInt64(OPSET_VERSION, 13);
        });
        byte[] node = message(out -> {
            out.writeString(NODE_INPUT, "W");
            out.writeString(NODE_OUTPUT, "Y");
            out.writeString(NODE_NAME, "identity");
            out.writeString(NODE_OP_TYPE, "Identity");
        });
        byte[] dim = message(out -> out.writeInt64(DIM_VALUE, elements));
        byte[] shape = message(out -> out.writeByteArray(SHAPE_DIM, dim));
        byte[] tensorType = message(out -> {
            out.writeInt32(TENSOR_TYPE_ELEM_TYPE, DATA_TYPE_FLOAT);
            out.writeByteArray(TENSOR_TYPE_SHAPE, shape);
        });
        byte[] type = message(out -> out.writeByteArray(TYPE_TENSOR_TYPE, tensorType));
        byte[] output = message(out -> {
            out.writeString(VALUE_INFO_NAME, "Y");
            out.writeByteArray(VALUE_INFO_TYPE, type);
        });
        byte[] tensorHead = message(out -> {
            out.writeInt64(TENSOR_DIMS, elements);
            out.writeInt32(TENSOR_DATA_TYPE, DATA_TYPE_FLOAT);
            out.writeString(TENSOR_NAME, "W");
        });
        byte[] graphHead = message(out -> {
            out.writeByteArray(GRAPH_NODE, node);
            out.writeString(GRAPH_NAME, "rtml_bench_identity");
            out.writeByteArray(GRAPH_OUTPUT, output);
        });

        int tensorSize = Math.addExact(tensorHead.length, lengthDelimitedSize(TENSOR_RAW_DATA, rawBytes));
        int graphSize = Math.addExact(graphHead.length, lengthDelimitedSize(GRAPH_INITIALIZER, tensorSize));

        byte[] block = patternBlock();
        long rawDataOffset;
        long written;
        try (OutputStream stream = new BufferedOutputStream(
                Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 20)) {
            CodedOutputStream out = CodedOutputStream.newInstance(stream, 1 << 16);
            out.writeInt64(MODEL_IR_VERSION, 8);
            out.writeString(MODEL_PRODUCER_NAME, "rtml-bench");
            out.writeByteArray(MODEL_OPSET_IMPORT, opset);
            out.writeTag(MODEL_GRAPH, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(graphSize);
            out.writeRawBytes(graphHead);
            out.writeTag(GRAPH_INITIALIZER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(tensorSize);
            out.writeRawBytes(tensorHead);
            out.writeTag(TENSOR_RAW_DATA, WireFormat.WIRETYPE_LENGTH_DELIMITED);
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

    private static byte[] message(Body body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        body.write(out);
        out.flush();
        return bytes.toByteArray();
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
