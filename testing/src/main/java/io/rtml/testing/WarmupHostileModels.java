package io.rtml.testing;

import static io.rtml.testing.ProtoBuilder.message;
import static io.rtml.testing.ProtoBuilder.node;
import static io.rtml.testing.ProtoBuilder.tensorValue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Valid models that ONNX Runtime runs fine on real inputs but that refuse the zeros a warm-up built
 * from the signature feeds (every dynamic dimension 1, every value 0): a reflect {@code Pad} needs
 * at least two elements along the padded axis, and a sample rate must be 8000 or 16000.
 */
public final class WarmupHostileModels {

    private static final int FLOAT = 1;
    private static final int INT64 = 7;

    private WarmupHostileModels() {}

    /**
     * {@code y = Pad(x, [0,1,0,1], mode=reflect)} for {@code x} FLOAT [N, L]: each row grows by
     * its mirrored neighbours, {@code [1,2,3,4] -> [2,1,2,3,4,3]}. With L = 1 there is no
     * neighbour to mirror and ONNX Runtime refuses the run.
     */
    public static byte[] reflectPad() {
        ProtoBuilder pad = node("Pad", new String[] {"x", "pads"}, "y")
                .message(5, message().string(1, "mode").bytes(4, "reflect".getBytes()).varint(20, 3));
        ProtoBuilder graph = message()
                .message(1, pad)
                .string(2, "reflect_pad")
                .message(5, int64Tensor("pads", new long[] {4}, 0, 1, 0, 1))
                .message(11, tensorValue("x", FLOAT, "N", "L"))
                .message(12, tensorValue("y", FLOAT, "N", null));
        return ProtoBuilder.model(graph).toByteArray();
    }

    /**
     * {@code y = audio * gain[sample_rate]} for {@code audio} FLOAT [N, L] and a scalar INT64
     * {@code sample_rate}: the gain is 1.0 at 8000 Hz and 0.5 at 16000 Hz, looked up with
     * {@code Gather(gain, sample_rate / 8000 - 3)}, so any rate below 8000 (0, 1) is an index out
     * of range that ONNX Runtime refuses.
     */
    public static byte[] sampleRate() {
        ProtoBuilder graph = message()
                .message(1, node("Div", new String[] {"sample_rate", "khz8"}, "q"))
                .message(1, node("Sub", new String[] {"q", "three"}, "index"))
                .message(1, node("Gather", new String[] {"gain", "index"}, "scale"))
                .message(1, node("Mul", new String[] {"audio", "scale"}, "y"))
                .string(2, "sample_rate_gain")
                .message(5, int64Tensor("khz8", new long[0], 8000))
                .message(5, int64Tensor("three", new long[0], 3))
                .message(5, floatTensor("gain", 1.0f, 0.5f))
                .message(11, tensorValue("audio", FLOAT, "N", "L"))
                .message(11, tensorValue("sample_rate", INT64))
                .message(12, tensorValue("y", FLOAT, "N", "L"));
        return ProtoBuilder.model(graph).toByteArray();
    }

    /** {@code model} with one more {@code metadata_props} entry (protobuf merges appended fields). */
    public static byte[] withMetadata(byte[] model, String key, String value) {
        byte[] entry = message().message(14, ProtoBuilder.entry(key, value)).toByteArray();
        byte[] merged = java.util.Arrays.copyOf(model, model.length + entry.length);
        System.arraycopy(entry, 0, merged, model.length, entry.length);
        return merged;
    }

    private static ProtoBuilder int64Tensor(String name, long[] dims, long... values) {
        ProtoBuilder tensor = message();
        if (dims.length > 0) {
            tensor.packed(1, dims);
        }
        return tensor.varint(2, INT64).packed(7, values).string(8, name);
    }

    /** A 1-D FLOAT tensor with its values as raw little-endian data. */
    private static ProtoBuilder floatTensor(String name, float... values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        return message().packed(1, values.length).varint(2, FLOAT).string(8, name).bytes(9, raw.array());
    }
}
