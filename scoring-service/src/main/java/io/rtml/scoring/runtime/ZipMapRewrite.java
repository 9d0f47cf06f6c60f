package io.rtml.scoring.runtime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Makes ZipMap outputs cheap to serve. Reading a sequence of maps through ONNX Runtime for Java
 * costs tens of microseconds per row (a JNI round trip and boxed HashMap per map), while the
 * probability tensor that feeds the ZipMap node is one float copy. So at load time the model's
 * top-level ZipMap nodes are found in the protobuf bytes, their input tensors are added as extra
 * graph outputs, and a ZipMap output is rebuilt from that tensor and the node's class labels,
 * which is exactly what ZipMap does.
 *
 * <p>The extra outputs are appended as a second {@code graph} field: protobuf merges repeated
 * occurrences of an embedded message, so the original bytes stay untouched.
 */
final class ZipMapRewrite {

    /** One ZipMap node: the output it produces, the tensor it reads, and its labels (longs or strings). */
    record ZipMapNode(String output, String input, long[] longLabels, String[] stringLabels) {
        int classes() {
            return longLabels != null ? longLabels.length : stringLabels.length;
        }

        Datatype keyType() {
            return longLabels != null ? Datatype.INT64 : Datatype.BYTES;
        }
    }

    /** The bytes to load and the ZipMap nodes found (empty: the original bytes). */
    record Result(byte[] model, List<ZipMapNode> zipMaps, Set<String> addedOutputs) {}

    private ZipMapRewrite() {}

    static Result rewrite(byte[] model) {
        try {
            byte[] graph = field(model, 7);
            if (graph == null) {
                return new Result(model, List.of(), Set.of());
            }
            List<ZipMapNode> found = new ArrayList<>();
            Set<String> outputs = new HashSet<>();
            Proto g = new Proto(graph);
            while (g.next()) {
                if (g.field == 1 && g.wire == 2) {
                    ZipMapNode z = zipMap(g.bytes());
                    if (z != null) {
                        found.add(z);
                    }
                } else if (g.field == 12 && g.wire == 2) {
                    outputs.add(string(field(g.bytes(), 1)));
                }
            }
            if (found.isEmpty()) {
                return new Result(model, List.of(), Set.of());
            }
            ByteArrayOutputStream extra = new ByteArrayOutputStream();
            Set<String> added = new HashSet<>();
            for (ZipMapNode z : found) {
                if (outputs.add(z.input())) {
                    added.add(z.input());
                    // ValueInfoProto{name, type: TypeProto{tensor_type: {elem_type: FLOAT}}}
                    byte[] type = message(1, varint(1, 1));
                    extra.writeBytes(message(12, concat(message(1, z.input().getBytes(StandardCharsets.UTF_8)),
                            message(2, type))));
                }
            }
            byte[] patched = concat(model, message(7, extra.toByteArray()));
            return new Result(patched, List.copyOf(found), Set.copyOf(added));
        } catch (RuntimeException e) {
            // Not a protobuf we understand: load the original bytes and let ONNX Runtime judge them.
            return new Result(model, List.of(), Set.of());
        }
    }

    private static ZipMapNode zipMap(byte[] node) {
        Proto n = new Proto(node);
        String opType = null;
        String domain = "";
        String input = null;
        String output = null;
        List<Long> longs = new ArrayList<>();
        List<String> strings = new ArrayList<>();
        while (n.next()) {
            switch (n.field) {
                case 1 -> input = input == null ? string(n.bytes()) : input;
                case 2 -> output = output == null ? string(n.bytes()) : output;
                case 4 -> opType = string(n.bytes());
                case 7 -> domain = string(n.bytes());
                case 5 -> attribute(n.bytes(), longs, strings);
                default -> { } // other node fields are not needed
            }
        }
        if (!"ZipMap".equals(opType) || !"ai.onnx.ml".equals(domain) || input == null || output == null) {
            return null;
        }
        if (!longs.isEmpty()) {
            return new ZipMapNode(output, input, longs.stream().mapToLong(Long::longValue).toArray(), null);
        }
        return strings.isEmpty() ? null : new ZipMapNode(output, input, null, strings.toArray(String[]::new));
    }

    private static void attribute(byte[] attr, List<Long> longs, List<String> strings) {
        Proto a = new Proto(attr);
        String name = null;
        List<Long> ints = new ArrayList<>();
        List<String> strs = new ArrayList<>();
        while (a.next()) {
            if (a.field == 1) {
                name = string(a.bytes());
            } else if (a.field == 8 && a.wire == 0) {
                ints.add(a.value);
            } else if (a.field == 8 && a.wire == 2) {
                Proto packed = new Proto(a.bytes());
                while (packed.pos < packed.data.length) {
                    ints.add(packed.varint());
                }
            } else if (a.field == 9) {
                strs.add(string(a.bytes()));
            }
        }
        if ("classlabels_int64s".equals(name)) {
            longs.addAll(ints);
        } else if ("classlabels_strings".equals(name)) {
            strings.addAll(strs);
        }
    }

    /** The first length-delimited occurrence of a field, or null. */
    private static byte[] field(byte[] message, int number) {
        Proto p = new Proto(message);
        while (p.next()) {
            if (p.field == number && p.wire == 2) {
                return p.bytes();
            }
        }
        return null;
    }

    private static String string(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] message(int field, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 8);
        writeVarint(out, ((long) field << 3) | 2);
        writeVarint(out, payload.length);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static byte[] varint(int field, long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8);
        writeVarint(out, (long) field << 3);
        writeVarint(out, value);
        return out.toByteArray();
    }

    private static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
