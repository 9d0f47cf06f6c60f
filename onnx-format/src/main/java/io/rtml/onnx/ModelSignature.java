package io.rtml.onnx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the registry records about an ONNX model without running it: identity, operator sets and the
 * inputs and outputs a client deals with. Stored as JSON with the model version and returned by the API.
 *
 * @param inputs the graph inputs a caller feeds, in declaration order; inputs that are also initializers
 *     (old exporters list every weight as an input) are left out
 * @param metadata the model's {@code metadata_props}, in file order
 */
public record ModelSignature(long irVersion, String producerName, String producerVersion, String graphName,
        String modelDomain, long modelVersion, String docString, List<OpsetImport> opsetImports,
        List<ValueSpec> inputs, List<ValueSpec> outputs, Map<String, String> metadata) {

    public ModelSignature {
        opsetImports = List.copyOf(opsetImports);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        // Map.copyOf would lose the file order, which is what a reader of the metadata expects.
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
}
