package io.rtml.registry.version;

import io.rtml.onnx.ModelSignature;
import java.util.Map;

/** Everything known about an upload once its bytes are stored and inspected. */
record NewVersion(String description, Map<String, String> tags, String sha256, long sizeBytes, String artifactKey,
        ModelSignature signature, String example) {}
