package io.rtml.testing;

import static io.rtml.testing.ProtoBuilder.nodeProto;
import static io.rtml.testing.ProtoBuilder.valueInfo;

import com.google.protobuf.ByteString;
import io.rtml.onnx.proto.AttributeProto;
import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.ModelProto;
import io.rtml.onnx.proto.NodeProto;
import io.rtml.onnx.proto.StringStringEntryProto;
import io.rtml.onnx.proto.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Valid models that ONNX Runtime runs fine on real inputs but that refuse the zeros a warm-up built
 * from the signature feeds (every dynamic dimension 1, every value 0): a reflect {@code Pad} needs
 * at least two elements along the padded axis, and a sample rate must be 8000 or 16000.
 */
public final class WarmupHostileModels {

    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    private static final int INT64 = TensorProto.DataType.INT64_VALUE;

    private WarmupHostileModels() {}

    /**
     * {@code y = Pad(x, [0,1,0,1], mode=reflect)} for {@code x} FLOAT [N, L]: each row grows by
     * its mirrored neighbours, {@code [1,2,3,4] -> [2,1,2,3,4,3]}. With L = 1 there is no
     * neighbour to mirror and ONNX Runtime refuses the run.
     */
    public static byte[] reflectPad() {
        NodeProto pad = nodeProto("Pad", new String[] {"x", "pads"}, "y").toBuilder()
                .addAttribute(AttributeProto.newBuilder().setName("mode").setS(ByteString.copyFromUtf8("reflect"))
                        .setType(AttributeProto.AttributeType.STRING))
                .build();
        GraphProto graph = GraphProto.newBuilder()
                .addNode(pad)
                .setName("reflect_pad")
                .addInitializer(int64Tensor("pads", new long[] {4}, 0, 1, 0, 1))
                .addInput(valueInfo("x", FLOAT, "N", "L"))
                .addOutput(valueInfo("y", FLOAT, "N", null))
                .build();
        return ProtoBuilder.model(ProtoBuilder.of(graph)).toByteArray();
    }

    /**
     * {@code y = audio * gain[sample_rate]} for {@code audio} FLOAT [N, L] and a scalar INT64
     * {@code sample_rate}: the gain is 1.0 at 8000 Hz and 0.5 at 16000 Hz, looked up with
     * {@code Gather(gain, sample_rate / 8000 - 3)}, so any rate below 8000 (0, 1) is an index out
     * of range that ONNX Runtime refuses.
     */
    public static byte[] sampleRate() {
        GraphProto graph = GraphProto.newBuilder()
                .addNode(nodeProto("Div", new String[] {"sample_rate", "khz8"}, "q"))
                .addNode(nodeProto("Sub", new String[] {"q", "three"}, "index"))
                .addNode(nodeProto("Gather", new String[] {"gain", "index"}, "scale"))
                .addNode(nodeProto("Mul", new String[] {"audio", "scale"}, "y"))
                .setName("sample_rate_gain")
                .addInitializer(int64Tensor("khz8", new long[0], 8000))
                .addInitializer(int64Tensor("three", new long[0], 3))
                .addInitializer(floatTensor("gain", 1.0f, 0.5f))
                .addInput(valueInfo("audio", FLOAT, "N", "L"))
                .addInput(valueInfo("sample_rate", INT64))
                .addOutput(valueInfo("y", FLOAT, "N", "L"))
                .build();
        return ProtoBuilder.model(ProtoBuilder.of(graph)).toByteArray();
    }

    /** {@code model} with one more {@code metadata_props} entry (protobuf merges appended fields). */
    public static byte[] withMetadata(byte[] model, String key, String value) {
        byte[] entry = ModelProto.newBuilder()
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(value))
                .build()
                .toByteArray();
        byte[] merged = Arrays.copyOf(model, model.length + entry.length);
        System.arraycopy(entry, 0, merged, model.length, entry.length);
        return merged;
    }

    private static TensorProto int64Tensor(String name, long[] dims, long... values) {
        return TensorProto.newBuilder()
                .addAllDims(Arrays.stream(dims).boxed().toList())
                .setDataType(INT64)
                .addAllInt64Data(Arrays.stream(values).boxed().toList())
                .setName(name)
                .build();
    }

    /** A 1-D FLOAT tensor with its values as raw little-endian data. */
    private static TensorProto floatTensor(String name, float... values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        return TensorProto.newBuilder()
                .addDims(values.length)
                .setDataType(FLOAT)
                .setName(name)
                .setRawData(ByteString.copyFrom(raw.array()))
                .build();
    }
}
