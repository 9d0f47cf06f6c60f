package io.rtml.scoring.oip;

import io.rtml.scoring.runtime.LoadedVersion;
import io.rtml.scoring.runtime.ServiceSlot;
import io.rtml.scoring.runtime.TensorSpec;
import java.util.List;
import tools.jackson.core.JsonGenerator;

/** OIP model metadata: name, loaded versions, platform, inputs and outputs (-1 = dynamic). */
final class MetadataWriter {

    static final String PLATFORM = "onnxruntime_onnx";

    private MetadataWriter() {}

    static void write(JsonGenerator g, ServiceSlot slot, LoadedVersion version) {
        g.writeStartObject();
        g.writeStringProperty("name", slot.name());
        g.writeArrayPropertyStart("versions");
        for (LoadedVersion v : slot.versions()) {
            g.writeString(v.label());
        }
        g.writeEndArray();
        g.writeStringProperty("version", version.label());
        g.writeStringProperty("platform", PLATFORM);
        tensors(g, "inputs", version.signature().inputs());
        tensors(g, "outputs", version.signature().outputs());
        g.writeEndObject();
    }

    private static void tensors(JsonGenerator g, String field, List<TensorSpec> specs) {
        g.writeArrayPropertyStart(field);
        for (TensorSpec s : specs) {
            g.writeStartObject();
            g.writeStringProperty("name", s.name());
            g.writeStringProperty("datatype", s.datatype().name());
            g.writeArrayPropertyStart("shape");
            for (long d : s.shape()) {
                g.writeNumber(d);
            }
            g.writeEndArray();
            if (s.zipMap()) {
                // A ZipMap row is a JSON object string {label: probability}; say so, and the label type.
                g.writeObjectPropertyStart("parameters");
                g.writeStringProperty("content_type", "application/json");
                g.writeStringProperty("map_key_datatype", s.mapKey().name());
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
