package io.rtml.scoring.runtime;

import java.nio.FloatBuffer;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JsonGenerator;

/**
 * The lossless JSON form of one ZipMap row: an object from class label (written as a string, as
 * JSON keys must be) to probability, labels in ascending order (numeric order for integer labels).
 */
final class ZipMapJson {

    private ZipMapJson() {}

    static Map<Object, Object> sorted(Map<?, ?> map) {
        TreeMap<Object, Object> sorted = new TreeMap<>();
        sorted.putAll(map);
        return sorted;
    }

    /** Row {@code row} of a probability tensor as {label: probability}, labels in the model's class order. */
    static String toJson(ZipMapRewrite.ZipMapNode node, FloatBuffer probs, int row) {
        int classes = node.classes();
        StringBuilder sb = new StringBuilder(16 + classes * 16).append('{');
        for (int c = 0; c < classes; c++) {
            if (c > 0) {
                sb.append(',');
            }
            quote(sb, label(node, c));
            sb.append(':').append(number(probs.get(row * classes + c)));
        }
        return sb.append('}').toString();
    }

    static void write(JsonGenerator g, ZipMapRewrite.ZipMapNode node, FloatBuffer probs, int row) {
        int classes = node.classes();
        g.writeStartObject();
        for (int c = 0; c < classes; c++) {
            g.writeName(label(node, c));
            g.writeNumber(probs.get(row * classes + c));
        }
        g.writeEndObject();
    }

    private static String label(ZipMapRewrite.ZipMapNode node, int c) {
        return node.longLabels() != null ? Long.toString(node.longLabels()[c]) : node.stringLabels()[c];
    }

    static String toJson(Map<Object, Object> map) {
        StringBuilder sb = new StringBuilder(16 + map.size() * 16).append('{');
        boolean first = true;
        for (Map.Entry<Object, Object> e : map.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            quote(sb, String.valueOf(e.getKey()));
            sb.append(':').append(number(e.getValue()));
        }
        return sb.append('}').toString();
    }

    static void write(JsonGenerator g, Map<Object, Object> map) {
        g.writeStartObject();
        for (Map.Entry<Object, Object> e : map.entrySet()) {
            g.writeName(String.valueOf(e.getKey()));
            if (e.getValue() instanceof Float f) {
                g.writeNumber(f);
            } else if (e.getValue() instanceof Double d) {
                g.writeNumber(d);
            } else if (e.getValue() instanceof Long l) {
                g.writeNumber(l);
            } else {
                g.writeString(String.valueOf(e.getValue()));
            }
        }
        g.writeEndObject();
    }

    private static String number(Object v) {
        if (v instanceof Float f && (f.isNaN() || f.isInfinite())) {
            return "\"" + f + "\"";
        }
        return v instanceof Number ? v.toString() : "\"" + v + "\"";
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
