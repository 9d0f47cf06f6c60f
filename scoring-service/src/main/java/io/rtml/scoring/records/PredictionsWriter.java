package io.rtml.scoring.records;

import io.rtml.scoring.runtime.OutputValue;
import java.util.List;
import tools.jackson.core.JsonGenerator;

/**
 * Writes one prediction object per record: each output's row for that record, as a scalar when
 * the row holds one value, an array otherwise, and a ZipMap row as a JSON object {label: probability}.
 */
final class PredictionsWriter {

    private PredictionsWriter() {}

    static void write(JsonGenerator g, String service, String version, int records, List<OutputValue> outputs) {
        g.writeStartObject();
        g.writeStringProperty("model", service);
        g.writeStringProperty("version", version);
        g.writeArrayPropertyStart("predictions");
        for (int r = 0; r < records; r++) {
            g.writeStartObject();
            for (OutputValue out : outputs) {
                g.writeName(out.name());
                writeRow(g, out, r, records);
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeRow(JsonGenerator g, OutputValue out, int r, int records) {
        if (out.isZipMap()) {
            out.writeMap(g, r);
            return;
        }
        long[] shape = out.shape();
        int size = out.size();
        if (shape.length == 0 || shape[0] != records) {
            // Not one row per record (rare, e.g. a pooled summary): give every record the whole output.
            writeRange(g, out, 0, size, size == 1);
            return;
        }
        int width = size / records;
        writeRange(g, out, r * width, width, width == 1);
    }

    private static void writeRange(JsonGenerator g, OutputValue out, int from, int count, boolean scalar) {
        if (scalar) {
            out.writeElement(g, from);
            return;
        }
        g.writeStartArray();
        for (int i = from; i < from + count; i++) {
            out.writeElement(g, i);
        }
        g.writeEndArray();
    }
}
