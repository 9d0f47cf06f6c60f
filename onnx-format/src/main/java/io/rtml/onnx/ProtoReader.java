package io.rtml.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.LongConsumer;

/**
 * Streaming access to a protobuf file, one field at a time. Unlike a generated parser it never holds a
 * message whole: a field the reader does not need is skipped, which for a file stream is a seek, so
 * a 1 GiB {@code raw_data} costs no memory. Nested messages are entered with push/pop limits.
 */
public final class ProtoReader {

    static final String TRUNCATED = "the input ended unexpectedly in the middle of a message";

    /** Longer strings are names nobody writes or payloads smuggled into string fields. */
    static final int MAX_STRING_BYTES = 64 * 1024;

    private static final int BUFFER_BYTES = 64 * 1024;

    private final CodedInputStream in;

    public ProtoReader(InputStream stream) {
        // CodedInputStream buffers the stream itself; skipping past its buffer calls InputStream.skip.
        in = CodedInputStream.newInstance(stream, BUFFER_BYTES);
        in.setSizeLimit(Integer.MAX_VALUE);
    }

    /** The next tag of the current message; 0 at its end. */
    public int nextTag() throws IOException {
        return in.readTag();
    }

    public static int field(int tag) {
        return WireFormat.getTagFieldNumber(tag);
    }

    public static boolean isVarint(int tag) {
        return WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT;
    }

    public static boolean isLengthDelimited(int tag) {
        return WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
    }

    /** Enters the length-delimited message of this tag; returns the outer limit to give to {@link #leave}. */
    public int enter(int tag) throws IOException {
        expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        return in.pushLimit(in.readRawVarint32());
    }

    public void leave(int outerLimit) throws IOException {
        // readTag also answers 0 at the end of the file: a message cut short ends before its limit.
        if (in.getBytesUntilLimit() > 0) {
            throw new InvalidProtocolBufferException(TRUNCATED);
        }
        in.popLimit(outerLimit);
    }

    public long readInt64(int tag) throws IOException {
        expect(tag, WireFormat.WIRETYPE_VARINT);
        return in.readInt64();
    }

    public int readInt32(int tag) throws IOException {
        expect(tag, WireFormat.WIRETYPE_VARINT);
        return in.readInt32();
    }

    /** A repeated int64 written packed (proto3 writers) or one value per tag (proto2 writers). */
    public void readInt64s(int tag, LongConsumer sink) throws IOException {
        if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
            sink.accept(in.readInt64());
            return;
        }
        int outer = enter(tag);
        while (in.getBytesUntilLimit() > 0) {
            sink.accept(in.readInt64());
        }
        leave(outer);
    }

    /** A string kept as an identity (a name); refused when absurdly long, as truncating would change it. */
    public String readName(int tag, String what) throws IOException {
        int length = stringLength(tag);
        if (length > MAX_STRING_BYTES) {
            throw OnnxRefusal.tooComplex("a " + what + " is " + length + " bytes long (at most " + MAX_STRING_BYTES + ")");
        }
        return new String(in.readRawBytes(length), StandardCharsets.UTF_8);
    }

    /** A string shown to people (documentation, metadata): cut to its first 64 KiB. */
    public String readText(int tag) throws IOException {
        int length = stringLength(tag);
        if (length <= MAX_STRING_BYTES) {
            return new String(in.readRawBytes(length), StandardCharsets.UTF_8);
        }
        String head = new String(in.readRawBytes(MAX_STRING_BYTES), StandardCharsets.UTF_8);
        in.skipRawBytes(length - MAX_STRING_BYTES);
        return head + "… [" + (length - MAX_STRING_BYTES) + " more bytes not shown]";
    }

    /**
     * Skips a field without reading its value into memory. Groups are refused rather than skipped:
     * ONNX never uses them, and skipping them recursively is how nested-group files overflow stacks.
     */
    public void skip(int tag) throws IOException {
        switch (WireFormat.getTagWireType(tag)) {
            case WireFormat.WIRETYPE_VARINT -> in.readRawVarint64();
            case WireFormat.WIRETYPE_FIXED64 -> in.skipRawBytes(8);
            case WireFormat.WIRETYPE_FIXED32 -> in.skipRawBytes(4);
            case WireFormat.WIRETYPE_LENGTH_DELIMITED -> in.skipRawBytes(in.readRawVarint32());
            case WireFormat.WIRETYPE_START_GROUP, WireFormat.WIRETYPE_END_GROUP ->
                    throw new InvalidProtocolBufferException("a protobuf group in field " + field(tag) + ", which ONNX never uses");
            default -> throw invalidWireType(tag);
        }
    }

    /** Bytes left in the message entered last: right after {@link #enter}, its length. */
    public int remaining() {
        return in.getBytesUntilLimit();
    }

    /** Skips a length-delimited value (bytes, string, message) and returns its length; it ends at {@link #position}. */
    public int skipLengthDelimited(int tag) throws IOException {
        expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        int length = in.readRawVarint32();
        in.skipRawBytes(length);
        return length;
    }

    /** Bytes consumed so far: where the next tag starts, for messages and for callers that edit the file. */
    public long position() {
        return in.getTotalBytesRead();
    }

    private int stringLength(int tag) throws IOException {
        expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        int length = in.readRawVarint32();
        if (length < 0) {
            throw new InvalidProtocolBufferException("a string claims a negative length");
        }
        return length;
    }

    private static void expect(int tag, int wireType) throws InvalidProtocolBufferException {
        int actual = WireFormat.getTagWireType(tag);
        if (actual > WireFormat.WIRETYPE_FIXED32) {
            throw invalidWireType(tag);
        }
        if (actual != wireType) {
            throw new InvalidProtocolBufferException("field " + field(tag) + " has wire type " + actual
                    + " where ONNX has " + wireType);
        }
    }

    private static InvalidProtocolBufferException invalidWireType(int tag) {
        return new InvalidProtocolBufferException("invalid wire type " + WireFormat.getTagWireType(tag) + " in field " + field(tag));
    }
}
