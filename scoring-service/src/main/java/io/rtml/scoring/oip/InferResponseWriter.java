package io.rtml.scoring.oip;

import io.rtml.scoring.runtime.OutputValue;
import java.util.List;
import tools.jackson.core.JsonGenerator;

/** Writes an OIP inference response; ZipMap outputs carry {@code content_type: application/json}. */
final class InferResponseWriter {

    private InferResponseWriter() {}

    static void write(JsonGenerator g, String model, String version, String id, List<OutputValue> outputs) {
        g.writeStartObject();
        g.writeStringProperty("model_name", model);
        g.writeStringProperty("model_version", version);
        if (id != null) {
            g.writeStringProperty("id", id);
        }
        g.writeArrayPropertyStart("outputs");
        for (OutputValue out : outputs) {
            g.writeStartObject();
            g.writeStringProperty("name", out.name());
            g.writeStringProperty("datatype", out.datatype().name());
            g.writeArrayPropertyStart("shape");
            for (long d : out.shape()) {
                g.writeNumber(d);
            }
            g.writeEndArray();
            if (out.isZipMap()) {
                g.writeObjectPropertyStart("parameters");
                g.writeStringProperty("content_type", "application/json");
                g.writeEndObject();
            }
            g.writeArrayPropertyStart("data");
            for (int i = 0, n = out.size(); i < n; i++) {
                out.writeElement(g, i);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}
