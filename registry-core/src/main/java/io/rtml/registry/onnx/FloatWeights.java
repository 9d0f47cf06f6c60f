package io.rtml.registry.onnx;

import io.rtml.onnx.ElementType;
import io.rtml.onnx.WeightlessCopy;
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

    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_RAW_DATA = 9;

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
        field = (int) (tag >>> 3);
        int wireType = (int) (tag & 7);
        if (field <= 0 || tag >>> 3 > Integer.MAX_VALUE) {
            step = Step.PASS_THROUGH;
            return;
        }
        switch (wireType) {
            case 0 -> step = Step.VARINT;
            case 1 -> keep(8);
            case 2 -> step = Step.LENGTH;
            case 5 -> keep(4);
            default -> step = Step.PASS_THROUGH; // groups and invalid wire types
        }
    }

    private void onVarint(long value) {
        Frame frame = frames.peek();
        if (frame.kind == Kind.TENSOR && field == TENSOR_DATA_TYPE) {
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
        if (frame.kind == Kind.MODEL && field == MODEL_GRAPH) {
            enter(Kind.GRAPH, length);
        } else if (frame.kind == Kind.GRAPH && field == GRAPH_INITIALIZER) {
            enter(Kind.TENSOR, length);
        } else if (frame.kind == Kind.TENSOR && field == TENSOR_RAW_DATA && length >= minBytes
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
