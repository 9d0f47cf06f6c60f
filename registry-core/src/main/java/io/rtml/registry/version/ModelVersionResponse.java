package io.rtml.registry.version;

import io.rtml.onnx.ModelSignature;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A model version as the API shows it, with the signature ONNX inspection recorded. */
public record ModelVersionResponse(String model, int version, String description, Map<String, String> tags,
        List<String> aliases, String sha256, long sizeBytes, ModelSignature signature, Instant createdAt,
        String createdBy, Instant updatedAt) {}
