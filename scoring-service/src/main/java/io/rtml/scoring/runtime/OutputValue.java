package io.rtml.scoring.runtime;

import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import java.lang.reflect.Array;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleConsumer;
import tools.jackson.core.JsonGenerator;

/**
 * One model output copied out of ONNX Runtime (so the native result can be closed at once), with
 * element-wise JSON writing for both APIs. A ZipMap output (sequence of maps) keeps one sorted map
 * per row; in the Open Inference Protocol each row becomes a JSON object string (datatype BYTES).
 */
public final class OutputValue {

    private final String name;
    private final Datatype type;
    private final long[] shape;
    private final Buffer numbers;
    private final String[] strings;
    private final List<Map<Object, Object>> maps;
    /** Fast ZipMap form: the probability tensor and the node's labels (see {@link ZipMapRewrite}). */
    private final ZipMapRewrite.ZipMapNode labels;

    private OutputValue(String name, Datatype type, long[] shape, Buffer numbers, String[] strings,
            List<Map<Object, Object>> maps, ZipMapRewrite.ZipMapNode labels) {
        this.name = name;
        this.type = type;
        this.shape = shape;
        this.numbers = numbers;
        this.strings = strings;
        this.maps = maps;
        this.labels = labels;
    }

    /** A ZipMap output rebuilt from the float tensor that feeds the ZipMap node. */
    static OutputValue zipMap(String name, OnnxValue probabilities, ZipMapRewrite.ZipMapNode node) throws OrtException {
        if (!(probabilities instanceof OnnxTensor t) || t.getInfo().type != ai.onnxruntime.OnnxJavaType.FLOAT) {
            throw new OrtException("the input of ZipMap '" + name + "' is not a float tensor");
        }
        FloatBuffer probs = t.getFloatBuffer();
        int rows = probs.limit() / node.classes();
        if (rows * node.classes() != probs.limit()) {
            throw new OrtException("ZipMap '" + name + "' input does not hold " + node.classes() + " classes per row");
        }
        return new OutputValue(name, Datatype.BYTES, new long[] {rows}, probs, null, null, node);
    }

    public static OutputValue read(String name, OnnxValue value) throws OrtException {
        if (value instanceof OnnxSequence seq) {
            List<Map<Object, Object>> rows = new ArrayList<>();
            for (Object element : seq.getValue()) {
                rows.add(ZipMapJson.sorted(((OnnxMap) element).getValue()));
            }
            return new OutputValue(name, Datatype.BYTES, new long[] {rows.size()}, null, null, rows, null);
        }
        if (!(value instanceof OnnxTensor t)) {
            throw new OrtException("output '" + name + "' is a " + value.getType() + ", which is not served");
        }
        Datatype type = Datatype.of(t.getInfo().onnxType);
        if (type == null) {
            throw new OrtException("output '" + name + "' has element type " + t.getInfo().onnxType
                    + ", which has no Open Inference Protocol datatype");
        }
        long[] shape = t.getInfo().getShape();
        Buffer numbers = switch (type) {
            case FP32, FP16 -> t.getFloatBuffer();
            case FP64 -> t.getDoubleBuffer();
            case INT64, UINT64 -> t.getLongBuffer();
            case INT32, UINT32 -> t.getIntBuffer();
            case INT16, UINT16 -> t.getShortBuffer();
            case INT8, UINT8, BOOL -> t.getByteBuffer();
            case BYTES -> null;
        };
        String[] strings = type == Datatype.BYTES ? flatten(t.getValue()) : null;
        return new OutputValue(name, type, shape, numbers, strings, null, null);
    }

    public String name() {
        return name;
    }

    public Datatype datatype() {
        return type;
    }

    public boolean isZipMap() {
        return maps != null || labels != null;
    }

    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements (for a ZipMap: of rows). */
    public int size() {
        if (maps != null) {
            return maps.size();
        }
        if (labels != null) {
            return (int) shape[0];
        }
        return strings != null ? strings.length : numbers.limit();
    }

    public void writeElement(JsonGenerator g, int i) {
        if (labels != null) {
            g.writeString(ZipMapJson.toJson(labels, (FloatBuffer) numbers, i));
            return;
        }
        if (maps != null) {
            g.writeString(ZipMapJson.toJson(maps.get(i)));
            return;
        }
        switch (type) {
            case FP32, FP16 -> g.writeNumber(((FloatBuffer) numbers).get(i));
            case FP64 -> g.writeNumber(((DoubleBuffer) numbers).get(i));
            case INT64 -> g.writeNumber(((LongBuffer) numbers).get(i));
            case UINT64 -> g.writeNumber(Long.toUnsignedString(((LongBuffer) numbers).get(i)));
            case INT32 -> g.writeNumber(((IntBuffer) numbers).get(i));
            case UINT32 -> g.writeNumber(Integer.toUnsignedLong(((IntBuffer) numbers).get(i)));
            case INT16 -> g.writeNumber(((ShortBuffer) numbers).get(i));
            case UINT16 -> g.writeNumber(Short.toUnsignedInt(((ShortBuffer) numbers).get(i)));
            case INT8 -> g.writeNumber(((ByteBuffer) numbers).get(i));
            case UINT8 -> g.writeNumber(Byte.toUnsignedInt(((ByteBuffer) numbers).get(i)));
            case BOOL -> g.writeBoolean(((ByteBuffer) numbers).get(i) != 0);
            case BYTES -> g.writeString(strings[i]);
        }
    }

    /** The element as a string: a BYTES element, or a ZipMap row as its JSON object. */
    public String textAt(int i) {
        if (labels != null) {
            return ZipMapJson.toJson(labels, (FloatBuffer) numbers, i);
        }
        return maps != null ? ZipMapJson.toJson(maps.get(i)) : strings[i];
    }

    /** A floating-point element (FP16, FP32, FP64). */
    public double floatingAt(int i) {
        return type == Datatype.FP64 ? ((DoubleBuffer) numbers).get(i) : ((FloatBuffer) numbers).get(i);
    }

    /** An integer or BOOL element; the unsigned types zero-extended (UINT64 as its two's-complement bits). */
    public long integerAt(int i) {
        return switch (type) {
            case INT64, UINT64 -> ((LongBuffer) numbers).get(i);
            case INT32 -> ((IntBuffer) numbers).get(i);
            case UINT32 -> Integer.toUnsignedLong(((IntBuffer) numbers).get(i));
            case INT16 -> ((ShortBuffer) numbers).get(i);
            case UINT16 -> Short.toUnsignedInt(((ShortBuffer) numbers).get(i));
            case INT8 -> ((ByteBuffer) numbers).get(i);
            case UINT8, BOOL -> Byte.toUnsignedInt(((ByteBuffer) numbers).get(i));
            default -> throw new IllegalStateException(type + " is not an integer type");
        };
    }

    /**
     * Writes every element in the binary form of the protocol (gRPC {@code raw_output_contents},
     * the REST binary tensor extension): little-endian, no padding; FP16 as half-precision again
     * (ONNX Runtime hands it out widened to float); a BYTES element (a ZipMap row: its JSON) as a
     * 4-byte little-endian length and its UTF-8 bytes.
     */
    public void writeRaw(io.netty.buffer.ByteBuf out) {
        int n = size();
        if (isZipMap() || type == Datatype.BYTES) {
            for (int i = 0; i < n; i++) {
                byte[] utf8 = textAt(i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.writeIntLE(utf8.length).writeBytes(utf8);
            }
            return;
        }
        switch (type) {
            case FP32 -> {
                FloatBuffer f = (FloatBuffer) numbers;
                for (int i = 0; i < n; i++) {
                    out.writeFloatLE(f.get(i));
                }
            }
            case FP16 -> {
                FloatBuffer f = (FloatBuffer) numbers;
                for (int i = 0; i < n; i++) {
                    out.writeShortLE(ai.onnxruntime.platform.Fp16Conversions.floatToFp16(f.get(i)));
                }
            }
            case FP64 -> {
                DoubleBuffer d = (DoubleBuffer) numbers;
                for (int i = 0; i < n; i++) {
                    out.writeDoubleLE(d.get(i));
                }
            }
            case INT64, UINT64 -> {
                LongBuffer l = (LongBuffer) numbers;
                for (int i = 0; i < n; i++) {
                    out.writeLongLE(l.get(i));
                }
            }
            case INT32, UINT32 -> {
                IntBuffer b = (IntBuffer) numbers;
                for (int i = 0; i < n; i++) {
                    out.writeIntLE(b.get(i));
                }
            }
            case INT16, UINT16 -> {
                ShortBuffer b = (ShortBuffer) numbers;
                for (int i = 0; i < n; i++) {
                    out.writeShortLE(b.get(i));
                }
            }
            default -> { // INT8, UINT8, BOOL: one byte each
                ByteBuffer b = (ByteBuffer) numbers;
                for (int i = 0; i < n; i++) {
                    out.writeByte(b.get(i));
                }
            }
        }
    }

    /** Bytes {@link #writeRaw} writes for a fixed-size type; -1 for BYTES (and ZipMap), whose size depends on the text. */
    public int fixedRawBytes() {
        return isZipMap() || type == Datatype.BYTES ? -1 : size() * type.size();
    }

    /**
     * Rows {@code from .. from+count} of an output computed for {@code totalRows} input rows: its
     * share of a merged run. Null when the output has no row per input row (first dimension not
     * equal to {@code totalRows}), which makes the merged run unusable.
     */
    OutputValue rows(int from, int count, int totalRows) {
        if (shape.length == 0 || shape[0] != totalRows) {
            return null;
        }
        long[] part = shape.clone();
        part[0] = count;
        if (maps != null) {
            return new OutputValue(name, type, part, null, null, maps.subList(from, from + count), null);
        }
        if (labels != null) {
            int classes = labels.classes();
            return new OutputValue(name, type, part, ((FloatBuffer) numbers).slice(from * classes, count * classes),
                    null, null, labels);
        }
        int width = size() / totalRows;
        if (strings != null) {
            return new OutputValue(name, type, part, null,
                    java.util.Arrays.copyOfRange(strings, from * width, (from + count) * width), null, null);
        }
        return new OutputValue(name, type, part, numbers.slice(from * width, count * width), null, null, null);
    }

    /** Same name, type, shape and elements (numbers compared as {@code Buffer.equals} does: NaN equals NaN). */
    boolean sameAs(OutputValue o) {
        return name.equals(o.name) && type == o.type && java.util.Arrays.equals(shape, o.shape)
                && java.util.Objects.equals(numbers, o.numbers) && java.util.Arrays.equals(strings, o.strings)
                && java.util.Objects.equals(maps, o.maps) && labels == o.labels;
    }

    /**
     * Hands each row's primary figure to {@code sink}: the top class's probability for a ZipMap
     * or a row of several floats (class probabilities), else the row's first element.
     */
    void eachPrimary(DoubleConsumer sink) {
        if (labels != null) {
            topPerRow(labels.classes(), sink);
        } else if (maps != null) {
            for (Map<Object, Object> row : maps) {
                double top = Double.NEGATIVE_INFINITY;
                for (Object p : row.values()) {
                    top = p instanceof Number n ? Math.max(top, n.doubleValue()) : top;
                }
                sink.accept(top);
            }
        } else if (numbers != null && type != Datatype.BOOL) {
            int size = numbers.limit();
            int rows = shape.length == 0 ? 1 : (int) shape[0];
            int width = rows == 0 ? 0 : size / rows;
            if (width > 1 && isFloating()) {
                topPerRow(width, sink);
            } else {
                for (int r = 0; r < rows && width > 0; r++) {
                    sink.accept(number(r * width));
                }
            }
        }
    }

    boolean isFloating() {
        return type == Datatype.FP32 || type == Datatype.FP16 || type == Datatype.FP64;
    }

    boolean isNumeric() {
        return numbers != null && type != Datatype.BOOL;
    }

    private void topPerRow(int width, DoubleConsumer sink) {
        int rows = numbers.limit() / width;
        for (int r = 0; r < rows; r++) {
            double top = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < width; c++) {
                top = Math.max(top, number(r * width + c));
            }
            sink.accept(top);
        }
    }

    private double number(int i) {
        if (labels != null) {
            return ((FloatBuffer) numbers).get(i); // a ZipMap's probabilities, typed BYTES as served
        }
        return switch (type) {
            case FP32, FP16 -> ((FloatBuffer) numbers).get(i);
            case FP64 -> ((DoubleBuffer) numbers).get(i);
            case INT64 -> ((LongBuffer) numbers).get(i);
            case UINT64 -> {
                long l = ((LongBuffer) numbers).get(i);
                yield l >= 0 ? l : (l >>> 1) * 2.0;
            }
            case INT32 -> ((IntBuffer) numbers).get(i);
            case UINT32 -> Integer.toUnsignedLong(((IntBuffer) numbers).get(i));
            case INT16 -> ((ShortBuffer) numbers).get(i);
            case UINT16 -> Short.toUnsignedInt(((ShortBuffer) numbers).get(i));
            case INT8 -> ((ByteBuffer) numbers).get(i);
            case UINT8, BOOL -> Byte.toUnsignedInt(((ByteBuffer) numbers).get(i));
            case BYTES -> Double.NaN;
        };
    }

    /**
     * Whether a shadow run's output agrees with the served one: the same shape, and every element
     * equal, floats (and a ZipMap's probabilities) within {@code tolerance}, labels, strings and
     * integers exactly.
     */
    public boolean agrees(OutputValue o, double tolerance) {
        if (!name.equals(o.name) || type != o.type || !java.util.Arrays.equals(shape, o.shape)
                || isZipMap() != o.isZipMap()) {
            return false;
        }
        if (strings != null) {
            return java.util.Arrays.equals(strings, o.strings);
        }
        if (maps != null || o.maps != null) {
            return mapsAgree(o, tolerance);
        }
        if (labels != null && (o.labels == null || labels.classes() != o.labels.classes())) {
            return false;
        }
        int n = numbers.limit();
        if (n != o.numbers.limit()) {
            return false;
        }
        boolean floating = labels != null || isFloating();
        for (int i = 0; i < n; i++) {
            double a = number(i);
            double b = o.number(i);
            if (floating ? !(Math.abs(a - b) <= tolerance || (Double.isNaN(a) && Double.isNaN(b))) : a != b) {
                return false;
            }
        }
        return true;
    }

    private boolean mapsAgree(OutputValue o, double tolerance) {
        if (maps == null || o.maps == null || maps.size() != o.maps.size()) {
            return false; // one fast ZipMap and one map form: not the same model shape
        }
        for (int r = 0; r < maps.size(); r++) {
            Map<Object, Object> a = maps.get(r);
            Map<Object, Object> b = o.maps.get(r);
            if (!a.keySet().equals(b.keySet())) {
                return false;
            }
            for (Map.Entry<Object, Object> e : a.entrySet()) {
                Object other = b.get(e.getKey());
                boolean same = e.getValue() instanceof Number x && other instanceof Number y
                        ? Math.abs(x.doubleValue() - y.doubleValue()) <= tolerance
                        : java.util.Objects.equals(e.getValue(), other);
                if (!same) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Writes row {@code row} of a ZipMap output as a JSON object (records API). */
    public void writeMap(JsonGenerator g, int row) {
        if (labels != null) {
            ZipMapJson.write(g, labels, (FloatBuffer) numbers, row);
        } else {
            ZipMapJson.write(g, maps.get(row));
        }
    }

    private static String[] flatten(Object value) {
        List<String> out = new ArrayList<>();
        collect(value, out);
        return out.toArray(String[]::new);
    }

    private static void collect(Object value, List<String> out) {
        if (value instanceof String s) {
            out.add(s);
        } else if (value != null && value.getClass().isArray()) {
            for (int i = 0, n = Array.getLength(value); i < n; i++) {
                collect(Array.get(value, i), out);
            }
        }
    }
}
