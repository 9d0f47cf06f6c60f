package io.rtml.registry.onnx;

import com.google.protobuf.WireFormat;
import io.rtml.onnx.ElementType;
import io.rtml.onnx.WeightlessCopy;
import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.ModelProto;
import io.rtml.onnx.proto.TensorProto;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Finds, in the bytes of an ONNX file as they stream past, the {@code raw_data} of the main graph's
 * large floating-point initializers: the bytes that a spool file may leave out, because nothing the
 * registry checks depends on them. The inspection reads only the structure around them, and the load
 * check hands them to ONNX Runtime as external data ({@link WeightlessCopy}), where any bit pattern
 * is a float and loads alike. Integer tensors are always kept: their values can decide a load (indices
 * and shapes that ONNX Runtime folds while it loads).
 *
 * <p>A stream that stops looking like a model (a malformed tag or length, a group) is passed through
 * whole from there on: the inspection refuses it later from what was kept.
 */
public final class FloatWeights {

    /** What to do with the bytes of one chunk, in order. */
    public interface Runs {
        void keep(int offset, int length);

        void leaveOut(int offset, int length);
    }

    private enum Kind { MODEL, GRAPH, TENSOR }

    private enum Step { TAG, VARINT, LENGTH, KEEP, LEAVE_OUT, PASS_THROUGH }

    private static final class Frame {
        final Kind kind;
        final long end;
        int dataType;
        boolean leftOut;

        Frame(Kind kind, long end) {
            this.kind = kind;
            this.end = end;
        }
    }

    private final int minBytes;
    private final Deque<Frame> frames = new ArrayDeque<>();
    private Step step = Step.TAG;
    private long position;
    private long varint;
    private int shift;
    private int field;
    private long remaining;
    private long leftOut;
    private String contradiction;

    public FloatWeights() {
        this(WeightlessCopy.MIN_BYTES);
    }

    /** Leaves out {@code raw_data} of at least {@code minBytes}; tests use small ones. */
    FloatWeights(int minBytes) {
        this.minBytes = minBytes;
        frames.push(new Frame(Kind.MODEL, Long.MAX_VALUE));
    }

    /** Bytes left out so far. */
    public long leftOut() {
        return leftOut;
    }

    /**
     * Why the bytes left out may have mattered after all, or null. Protobuf lets a later
     * {@code data_type} replace an earlier one: a tensor that turns out not to be floating-point once
     * its {@code raw_data} was left out cannot be checked from the spool file.
     */
    public String contradiction() {
        return contradiction;
    }

    /** Scans the next {@code length} bytes of the stream, telling {@code runs} which to keep. */
    public void scan(byte[] bytes, int length, Runs runs) {
        int kept = 0; // start of the run of kept bytes not yet reported
        int i = 0;
        while (i < length) {
            switch (step) {
                case PASS_THROUGH -> i = length;
                case KEEP, LEAVE_OUT -> {
                    int n = (int) Math.min(remaining, length - i);
                    if (step == Step.LEAVE_OUT) {
                        if (i > kept) {
                            runs.keep(kept, i - kept);
                        }
                        runs.leaveOut(i, n);
                        leftOut += n;
                        kept = i + n;
                    }
                    i += n;
                    position += n;
                    remaining -= n;
                    if (remaining == 0) {
                        step = Step.TAG;
                    }
                }
                default -> {
                    if (step == Step.TAG && shift == 0 && !closeEndedFrames()) {
                        step = Step.PASS_THROUGH;
                        continue;
                    }
                    position++; // before the byte is read: a length counts from the byte after it
                    readVarintByte(bytes[i]);
                    i++;
                }
            }
        }
        if (length > kept) {
            runs.keep(kept, length - kept);
        }
    }

    /** Leaves the messages that end here; false when the stream went past an end (malformed). */
    private boolean closeEndedFrames() {
        while (frames.size() > 1 && position >= frames.peek().end) {
            if (position > frames.pop().end) {
                return false;
            }
        }
        return true;
    }

    private void readVarintByte(byte b) {
        if (shift >= 64) {
            step = Step.PASS_THROUGH;
            return;
        }
        varint |= (long) (b & 0x7f) << shift;
        shift += 7;
        if ((b & 0x80) != 0) {
            return;
        }
        long value = varint;
        varint = 0;
        shift = 0;
        switch (step) {
            case TAG -> onTag(value);
            case VARINT -> onVarint(value);
            case LENGTH -> onLength(value);
            default -> throw new IllegalStateException("not reading a varint in " + step);
        }
    }

    private void onTag(long tag) {
        // The tag was read as a 64-bit varint: a field number beyond int is no protobuf, passed through.
        if (tag >>> 3 > Integer.MAX_VALUE || (int) (tag >>> 3) <= 0) {
            step = Step.PASS_THROUGH;
            return;
        }
        field = (int) (tag >>> 3);
        switch (WireFormat.getTagWireType((int) tag)) {
            case WireFormat.WIRETYPE_VARINT -> step = Step.VARINT;
            case WireFormat.WIRETYPE_FIXED64 -> keep(8);
            case WireFormat.WIRETYPE_LENGTH_DELIMITED -> step = Step.LENGTH;
            case WireFormat.WIRETYPE_FIXED32 -> keep(4);
            default -> step = Step.PASS_THROUGH; // groups and invalid wire types
        }
    }

    private void onVarint(long value) {
        Frame frame = frames.peek();
        if (frame.kind == Kind.TENSOR && field == TensorProto.DATA_TYPE_FIELD_NUMBER) {
            frame.dataType = (int) value;
            if (frame.leftOut && !ElementType.isFloatingPoint(frame.dataType) && contradiction == null) {
                contradiction = "an initializer declares its data type again after its raw data, as "
                        + ElementType.onnxName(frame.dataType) + "; export the model again";
            }
        }
        step = Step.TAG;
    }

    private void onLength(long length) {
        Frame frame = frames.peek();
        if (length < 0 || length > frame.end - position) {
            step = Step.PASS_THROUGH;
            return;
        }
        if (frame.kind == Kind.MODEL && field == ModelProto.GRAPH_FIELD_NUMBER) {
            enter(Kind.GRAPH, length);
        } else if (frame.kind == Kind.GRAPH && field == GraphProto.INITIALIZER_FIELD_NUMBER) {
            enter(Kind.TENSOR, length);
        } else if (frame.kind == Kind.TENSOR && field == TensorProto.RAW_DATA_FIELD_NUMBER && length >= minBytes
                && ElementType.isFloatingPoint(frame.dataType)) {
            remaining = length;
            frame.leftOut = true;
            step = Step.LEAVE_OUT;
        } else {
            keep(length);
        }
    }

    private void enter(Kind kind, long length) {
        frames.push(new Frame(kind, position + length));
        step = Step.TAG;
    }

    private void keep(long length) {
        remaining = length;
        step = length == 0 ? Step.TAG : Step.KEEP;
    }
}
