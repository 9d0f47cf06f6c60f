package io.rtml.onnx;

import com.google.protobuf.CodedOutputStream;
import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.ModelProto;
import io.rtml.onnx.proto.StringStringEntryProto;
import io.rtml.onnx.proto.TensorProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * A copy of a model for ONNX Runtime (the registry's load check, a scoring node's session): each large initializer of the main graph
 * refers to its own bytes inside the original file as external data instead of carrying them; every
 * other byte is the original's. ONNX Runtime maps external data rather than parsing and copying it,
 * so a 1 GiB initializer costs the check about 0.1 s and 100 MB instead of 4 s and 2.4 GiB of native
 * memory (docs/benchmarks.md).
 *
 * <p>Only tensors whose bytes cannot change whether the model loads are moved: fixed-width numeric
 * types whose {@code raw_data} is the one data field and exactly as long as the dims say, and at
 * least {@link #MIN_BYTES} long, far beyond any shape-like constant that shape inference would read.
 * Called only after {@link ModelWalker} has accepted the file, which guarantees that no tensor
 * names external data of its own; the reference written here points only at the file itself.
 * The file is read with {@link ProtoReader}, as the walk reads it; the reference is a TensorProto
 * fragment written by the generated classes.
 */
public final class WeightlessCopy {

    /** Smaller initializers stay in place: moving them saves nothing worth a second format. */
    public static final int MIN_BYTES = 1 << 20;

    /** Fields besides raw_data that hold (or place) a tensor's data: such a tensor stays as it is. */
    private static final Set<Integer> OTHER_DATA = Set.of(TensorProto.SEGMENT_FIELD_NUMBER,
            TensorProto.FLOAT_DATA_FIELD_NUMBER, TensorProto.INT32_DATA_FIELD_NUMBER, TensorProto.STRING_DATA_FIELD_NUMBER,
            TensorProto.INT64_DATA_FIELD_NUMBER, TensorProto.DOUBLE_DATA_FIELD_NUMBER, TensorProto.UINT64_DATA_FIELD_NUMBER,
            TensorProto.EXTERNAL_DATA_FIELD_NUMBER, TensorProto.DATA_LOCATION_FIELD_NUMBER);

    /** Replace the original's bytes [from, to) by {@code bytes}. */
    private record Edit(long from, long to, byte[] bytes) {}

    /** Where a tensor's raw_data field sits, if the tensor may be moved. */
    private record RawData(long fieldStart, long dataStart, long end) {}

    private final Path model;
    private final int minBytes;
    private final ProtoReader reader;
    private final List<Edit> edits = new ArrayList<>();

    private WeightlessCopy(Path model, InputStream stream, int minBytes) {
        this.model = model;
        this.minBytes = minBytes;
        this.reader = new ProtoReader(stream);
    }

    /**
     * Writes the copy next to {@code model} (ONNX Runtime resolves external data relative to it) and
     * returns its path, or returns null when the model has no initializer worth moving. The caller
     * deletes the copy.
     */
    public static Path write(Path model) throws IOException {
        return write(model, MIN_BYTES);
    }

    /** As {@link #write(Path)}, moving initializers of at least {@code minBytes}; tests move small ones too. */
    public static Path write(Path model, int minBytes) throws IOException {
        List<Edit> edits = edits(model, minBytes);
        if (edits.isEmpty()) {
            return null;
        }
        Path target = Files.createTempFile(model.toAbsolutePath().getParent(), "load-check-", ".onnx");
        copy(model, edits, target);
        return target;
    }

    /**
     * Writes the copy to {@code target} (a new file, which must lie in {@code model}'s directory for
     * ONNX Runtime to find the data) and returns true, or writes nothing and returns false when the
     * model has no initializer of at least {@code minBytes} to move.
     */
    public static boolean writeTo(Path model, Path target, int minBytes) throws IOException {
        List<Edit> edits = edits(model, minBytes);
        if (edits.isEmpty()) {
            return false;
        }
        Files.createFile(target);
        copy(model, edits, target);
        return true;
    }

    private static List<Edit> edits(Path model, int minBytes) throws IOException {
        try (InputStream stream = Files.newInputStream(model)) {
            WeightlessCopy copy = new WeightlessCopy(model, stream, minBytes);
            copy.modelProto();
            copy.edits.sort(Comparator.comparingLong(Edit::from));
            return copy.edits;
        }
    }

    private static void copy(Path model, List<Edit> edits, Path target) throws IOException {
        try (FileChannel source = FileChannel.open(model); FileChannel out = FileChannel.open(target, StandardOpenOption.WRITE)) {
            long position = 0;
            for (Edit edit : edits) {
                transfer(source, position, edit.from(), out);
                out.write(ByteBuffer.wrap(edit.bytes()));
                position = edit.to();
            }
            transfer(source, position, source.size(), out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(target);
            throw e;
        }
    }

    private void modelProto() throws IOException {
        for (int tag = reader.nextTag(); tag != 0; tag = reader.nextTag()) {
            if (ProtoReader.field(tag) == ModelProto.GRAPH_FIELD_NUMBER && ProtoReader.isLengthDelimited(tag)) {
                // A repeated graph field merges in protobuf; each occurrence gets its own length.
                long lengthStart = reader.position();
                int outer = reader.enter(tag);
                long contentStart = reader.position();
                int length = reader.remaining();
                long growth = graphProto();
                reader.leave(outer);
                if (growth != 0) {
                    edits.add(new Edit(lengthStart, contentStart, varint(length + growth)));
                }
            } else {
                reader.skip(tag);
            }
        }
    }

    /** Returns how many bytes the graph's content changes by. */
    private long graphProto() throws IOException {
        long growth = 0;
        for (int tag = reader.nextTag(); tag != 0; tag = reader.nextTag()) {
            if (ProtoReader.field(tag) != GraphProto.INITIALIZER_FIELD_NUMBER || !ProtoReader.isLengthDelimited(tag)) {
                reader.skip(tag);
                continue;
            }
            long lengthStart = reader.position();
            int outer = reader.enter(tag);
            long contentStart = reader.position();
            int length = reader.remaining();
            RawData raw = movableRawData();
            reader.leave(outer);
            if (raw != null) {
                byte[] reference = externalReference(raw.dataStart(), raw.end() - raw.dataStart());
                long newLength = length - (raw.end() - raw.fieldStart()) + reference.length;
                byte[] newLengthBytes = varint(newLength);
                edits.add(new Edit(lengthStart, contentStart, newLengthBytes));
                edits.add(new Edit(raw.fieldStart(), raw.end(), reference));
                growth += newLength - length + newLengthBytes.length - (contentStart - lengthStart);
            }
        }
        return growth;
    }

    /** Reads the TensorProto the stream is inside; returns its raw_data if the tensor may be moved. */
    private RawData movableRawData() throws IOException {
        long elements = 1;
        int dataType = 0;
        RawData raw = null;
        int rawFields = 0;
        boolean otherData = false;
        long fieldStart = reader.position();
        for (int tag = reader.nextTag(); tag != 0; fieldStart = reader.position(), tag = reader.nextTag()) {
            int field = ProtoReader.field(tag);
            if (field == TensorProto.DIMS_FIELD_NUMBER) {
                elements = dims(tag, elements);
            } else if (field == TensorProto.DATA_TYPE_FIELD_NUMBER && ProtoReader.isVarint(tag)) {
                dataType = reader.readInt32(tag);
            } else if (field == TensorProto.RAW_DATA_FIELD_NUMBER && ProtoReader.isLengthDelimited(tag)) {
                rawFields++;
                int length = reader.skipLengthDelimited(tag);
                long end = reader.position();
                raw = new RawData(fieldStart, end - length, end);
            } else {
                otherData |= OTHER_DATA.contains(field);
                reader.skip(tag);
            }
        }
        int elementBytes = ElementType.fixedWidthBytes(dataType);
        if (raw == null || rawFields != 1 || otherData || elementBytes == 0 || elements < 0) {
            return null;
        }
        long bytes = raw.end() - raw.dataStart();
        return bytes >= minBytes && bytes == elements * elementBytes ? raw : null;
    }

    /** Multiplies {@code elements} by the dims of this field (packed or not); -1 once unknown or absurd. */
    private long dims(int tag, long elements) throws IOException {
        if (!ProtoReader.isVarint(tag) && !ProtoReader.isLengthDelimited(tag)) {
            reader.skip(tag);
            return -1;
        }
        long[] product = {elements};
        reader.readInt64s(tag, dim -> product[0] = times(product[0], dim));
        return product[0];
    }

    private static long times(long elements, long dim) {
        if (elements < 0 || dim < 0 || (dim > 0 && elements > Integer.MAX_VALUE / dim)) {
            return -1; // no movable tensor is larger than the 2 GiB a protobuf can hold
        }
        return elements * dim;
    }

    /** external_data {location, offset, length} and data_location EXTERNAL, in place of raw_data. */
    private byte[] externalReference(long offset, long length) {
        // Fields of a message concatenate: these are the tensor's fields to splice in, in the generated writer's bytes.
        return TensorProto.newBuilder()
                .addExternalData(entry("location", model.getFileName().toString()))
                .addExternalData(entry("offset", Long.toString(offset)))
                .addExternalData(entry("length", Long.toString(length)))
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .build()
                .toByteArray();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static byte[] varint(long value) {
        byte[] bytes = new byte[CodedOutputStream.computeUInt64SizeNoTag(value)];
        try {
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.writeUInt64NoTag(value);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("a varint fits its computed size", e);
        }
        return bytes;
    }

    private static void transfer(FileChannel source, long from, long to, FileChannel out) throws IOException {
        for (long position = from; position < to; ) {
            position += source.transferTo(position, to - position, out);
        }
    }
}
