package io.rtml.scoring.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.platform.Fp16Conversions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.rtml.scoring.http.ApiException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * An input tensor being filled element by element while the request body is parsed. Numbers go
 * straight into a pooled direct buffer in native order, which ONNX Runtime then reads without a
 * copy; strings are collected in an array. Close it after the inference to return the buffer.
 */
public final class InputTensor implements AutoCloseable {

    static {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new ExceptionInInitializerError("the scoring node writes tensors little-endian");
        }
    }

    /** What a string element costs besides its characters: its slot in the array. */
    private static final int REFERENCE_BYTES = 8;

    private final String name;
    private final Datatype type;
    private final ByteBuf buf;
    private final TensorBudget budget;
    private String[] strings;
    private int count;

    /** A tensor whose size the node controls (warm-up); see the budgeted constructor for request data. */
    public InputTensor(String name, Datatype type, ByteBufAllocator alloc, int expected) {
        this(name, type, alloc, expected, TensorBudget.UNLIMITED);
    }

    /**
     * @param expected how many elements to make room for at first: a hint only, bounded by the caller
     *     by what the request body can hold (the buffer grows as values come)
     * @param budget charged for every byte of room, before it is allocated
     */
    public InputTensor(String name, Datatype type, ByteBufAllocator alloc, int expected, TensorBudget budget) {
        if (!type.canFeed()) {
            throw ApiException.badRequest("input '" + name + "': datatype " + type
                    + " is not supported by ONNX Runtime for Java");
        }
        this.name = name;
        this.type = type;
        this.budget = budget;
        int initial = Math.max(16, Math.min(expected, 1 << 20));
        if (type == Datatype.BYTES) {
            budget.charge((long) initial * REFERENCE_BYTES);
            this.buf = null;
            this.strings = new String[initial];
        } else {
            budget.charge((long) initial * type.size());
            this.buf = alloc.directBuffer(initial * type.size());
        }
    }

    public String name() {
        return name;
    }

    public Datatype type() {
        return type;
    }

    public int count() {
        return count;
    }

    /** An integral JSON number: range-checked for the narrow integer types. */
    public void putLong(long v) {
        room(type.size());
        switch (type) {
            case INT8 -> buf.writeByte((int) checkRange(v, Byte.MIN_VALUE, Byte.MAX_VALUE));
            case UINT8 -> buf.writeByte((int) checkRange(v, 0, 255));
            case INT16 -> buf.writeShortLE((int) checkRange(v, Short.MIN_VALUE, Short.MAX_VALUE));
            case INT32 -> buf.writeIntLE((int) checkRange(v, Integer.MIN_VALUE, Integer.MAX_VALUE));
            case INT64 -> buf.writeLongLE(v);
            case FP16, FP32, FP64 -> putDouble(v);
            default -> throw wrongType("a number");
        }
        if (type != Datatype.FP16 && type != Datatype.FP32 && type != Datatype.FP64) {
            count++;
        }
    }

    /** A JSON number with a fraction or exponent: only floating-point inputs take it. */
    public void putDouble(double v) {
        room(type.size());
        switch (type) {
            case FP32 -> buf.writeFloatLE((float) v);
            case FP64 -> buf.writeDoubleLE(v);
            case FP16 -> buf.writeShortLE(Fp16Conversions.floatToFp16((float) v));
            default -> throw ApiException.badRequest("input '" + name + "': " + type
                    + " needs integers, got " + v);
        }
        count++;
    }

    public void putBool(boolean v) {
        if (type != Datatype.BOOL) {
            throw wrongType("a boolean");
        }
        room(1);
        buf.writeByte(v ? 1 : 0);
        count++;
    }

    public void putString(String v) {
        if (type != Datatype.BYTES) {
            throw wrongType("a string");
        }
        budget.charge(v.length());
        if (count == strings.length) {
            budget.charge((long) count * REFERENCE_BYTES);
            strings = Arrays.copyOf(strings, count * 2);
        }
        strings[count++] = v;
    }

    /**
     * Elements already in the binary form of the protocol (OIP gRPC {@code raw_input_contents}, the
     * REST binary tensor extension): little-endian, no padding, which is how they sit in the buffer
     * ONNX Runtime reads, so fixed-size types are one copy; a BYTES element is a 4-byte
     * little-endian length and that many UTF-8 bytes.
     */
    public void putRaw(ByteBuf src, int index, int length) {
        if (type == Datatype.BYTES) {
            putRawStrings(src, index, length);
            return;
        }
        if (length % type.size() != 0) {
            throw ApiException.badRequest("input '" + name + "': " + length + " bytes are not a whole number of "
                    + type + " elements (" + type.size() + " bytes each)");
        }
        int needed = buf.writerIndex() + length;
        if (needed > buf.capacity()) {
            budget.charge(needed - buf.capacity());
            buf.capacity(needed);
        }
        buf.writeBytes(src, index, length);
        count += length / type.size();
    }

    private void putRawStrings(ByteBuf src, int index, int length) {
        int end = index + length;
        int at = index;
        while (at < end) {
            if (end - at < 4) {
                throw ApiException.badRequest("input '" + name + "': BYTES element " + count
                        + " is cut short: its 4-byte length prefix does not fit");
            }
            int size = src.getIntLE(at);
            if (size < 0 || size > end - at - 4) {
                throw ApiException.badRequest("input '" + name + "': BYTES element " + count + " declares "
                        + Integer.toUnsignedString(size) + " bytes, " + (end - at - 4) + " are left");
            }
            putString(src.toString(at + 4, size, java.nio.charset.StandardCharsets.UTF_8));
            at += 4 + size;
        }
    }

    /** Makes room for one more element, doubling the buffer (charged to the budget) when it is full. */
    private void room(int bytes) {
        if (buf != null && buf.writerIndex() + bytes > buf.capacity()) {
            int capacity = buf.capacity();
            budget.charge(capacity);
            buf.capacity(Math.multiplyExact(capacity, 2));
        }
    }

    /** One tensor holding the elements of {@code parts} one after the other (the rows of a merged run). */
    static InputTensor concat(List<InputTensor> parts, ByteBufAllocator alloc) {
        InputTensor first = parts.get(0);
        int total = 0;
        for (InputTensor p : parts) {
            total = Math.addExact(total, p.count);
        }
        InputTensor out = new InputTensor(first.name, first.type, alloc, total);
        if (first.type == Datatype.BYTES) {
            out.strings = new String[Math.max(total, 1)];
        }
        for (InputTensor p : parts) {
            if (p.type != first.type) {
                out.close();
                throw new IllegalArgumentException("cannot merge " + p.type + " into " + first.type);
            }
            if (out.buf != null) {
                out.buf.writeBytes(p.buf, 0, p.buf.writerIndex());
            } else {
                System.arraycopy(p.strings, 0, out.strings, out.count, p.count);
            }
            out.count += p.count;
        }
        return out;
    }

    public OnnxTensor toOnnx(OrtEnvironment env, long[] shape) throws OrtException {
        if (type == Datatype.BYTES) {
            return OnnxTensor.createTensor(env, Arrays.copyOf(strings, count), shape);
        }
        ByteBuffer nio = buf.nioBuffer(0, buf.writerIndex()).order(ByteOrder.nativeOrder());
        return OnnxTensor.createTensor(env, nio, shape, type.javaType());
    }

    @Override
    public void close() {
        if (buf != null && buf.refCnt() > 0) {
            buf.release();
        }
    }

    private long checkRange(long v, long min, long max) {
        if (v < min || v > max) {
            throw ApiException.badRequest("input '" + name + "': " + v + " is out of range for " + type);
        }
        return v;
    }

    private ApiException wrongType(String got) {
        return ApiException.badRequest("input '" + name + "': datatype " + type + " cannot take " + got);
    }
}
