package io.rtml.scoring.runtime;

import java.util.Arrays;

/**
 * A forward-only reader of protobuf wire format: just enough to walk an ONNX graph's nodes.
 * A length-delimited payload that is not read with {@link #bytes()} is stepped over by {@link #next()}.
 */
final class Proto {

    final byte[] data;
    int pos;
    int field;
    int wire;
    long value;
    private int length = -1;

    Proto(byte[] data) {
        this.data = data;
    }

    /** Reads the next tag (and a varint value); false at the end. */
    boolean next() {
        if (length >= 0) {
            pos += length; // the previous length-delimited payload was not consumed
        }
        length = -1;
        if (pos >= data.length) {
            return false;
        }
        long tag = varint();
        field = (int) (tag >>> 3);
        wire = (int) (tag & 7);
        switch (wire) {
            case 0 -> value = varint();
            case 1 -> pos += 8;
            case 2 -> {
                length = (int) varint();
                if (length < 0 || pos + length > data.length) {
                    throw new IllegalArgumentException("truncated protobuf");
                }
            }
            case 5 -> pos += 4;
            default -> throw new IllegalArgumentException("unsupported wire type " + wire);
        }
        return true;
    }

    /** The payload of the current length-delimited field. */
    byte[] bytes() {
        byte[] b = Arrays.copyOfRange(data, pos, pos + length);
        pos += length;
        length = -1;
        return b;
    }

    long varint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = data[pos++];
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IllegalArgumentException("malformed varint");
    }
}
