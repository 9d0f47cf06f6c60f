package io.rtml.scoring.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.rtml.scoring.http.ApiException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Runs validated inputs through a version and copies the chosen outputs out of ONNX Runtime. */
public final class Inference {

    /** One input ready to run: its filled tensor and the shape the caller gave for it. */
    public record Feed(InputTensor tensor, long[] shape) {}

    private final OrtEnvironment env;

    public Inference(OrtEnvironment env) {
        this.env = env;
    }

    /**
     * @param outputs output names in the order to return them; null for all, in model order
     */
    public List<OutputValue> run(LoadedVersion version, List<Feed> feeds, List<String> outputs) {
        Map<String, OnnxTensor> tensors = new HashMap<>(feeds.size() * 2);
        try {
            for (Feed f : feeds) {
                tensors.put(f.tensor().name(), f.tensor().toOnnx(env, f.shape()));
            }
            List<String> names = outputs != null ? outputs : version.outputNames();
            Set<String> fetch = new LinkedHashSet<>();
            for (String name : names) {
                ZipMapRewrite.ZipMapNode z = version.zipMap(name);
                fetch.add(z != null ? z.input() : name);
            }
            try (OrtSession.Result result = version.run(tensors, fetch)) {
                List<OutputValue> values = new ArrayList<>(names.size());
                for (String name : names) {
                    ZipMapRewrite.ZipMapNode z = version.zipMap(name);
                    String fetched = z != null ? z.input() : name;
                    OnnxValue v = result.get(fetched).orElseThrow(
                            () -> new OrtException("the model returned no output '" + fetched + "'"));
                    values.add(z != null ? OutputValue.zipMap(name, v, z) : OutputValue.read(name, v));
                }
                return values;
            }
        } catch (OrtException e) {
            // Inputs were already checked against the signature, so what ONNX Runtime still
            // rejects as an invalid argument is a value problem of the request (e.g. a
            // dimension the graph constrains further); anything else is ours.
            if (e.getCode() == OrtException.OrtErrorCode.ORT_INVALID_ARGUMENT) {
                throw ApiException.badRequest("the model rejected the input: " + e.getMessage());
            }
            throw new IllegalStateException("inference failed: " + e.getMessage(), e);
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }
}
