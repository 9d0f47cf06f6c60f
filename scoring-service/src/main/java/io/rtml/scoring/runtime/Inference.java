package io.rtml.scoring.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.netty.buffer.ByteBufAllocator;
import io.rtml.scoring.http.ApiException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs validated inputs through a version and copies the chosen outputs out of ONNX Runtime. */
public final class Inference {

    /** One input ready to run: its filled tensor and the shape the caller gave for it. */
    public record Feed(InputTensor tensor, long[] shape) {}

    private static final Logger log = LoggerFactory.getLogger(Inference.class);

    private final OrtEnvironment env;

    public Inference(OrtEnvironment env) {
        this.env = env;
    }

    /**
     * Runs several predictions of one version as one ONNX Runtime call: their inputs concatenated
     * along the first (row) dimension, every output cut back into each request's rows. Returns the
     * outputs per prediction, or null when the merged run cannot stand in for separate runs: ONNX
     * Runtime rejected it (one request's values may be at fault, and only that one must fail), or
     * an output has no row per input row (the version is then no longer batched). The caller then
     * runs them one by one. The predictions must all {@link Prediction#canJoin} the first.
     */
    public List<List<OutputValue>> runMerged(List<Prediction> group, ByteBufAllocator alloc) {
        Prediction head = group.get(0);
        LoadedVersion version = head.version();
        int inputs = head.feeds().size();
        List<Feed> merged = new ArrayList<>(inputs);
        int totalRows = 0;
        for (Prediction p : group) {
            totalRows += p.rows();
        }
        try {
            for (int i = 0; i < inputs; i++) {
                List<InputTensor> parts = new ArrayList<>(group.size());
                for (Prediction p : group) {
                    parts.add(p.feeds().get(i).tensor());
                }
                long[] shape = head.feeds().get(i).shape().clone();
                shape[0] = totalRows;
                merged.add(new Feed(InputTensor.concat(parts, alloc), shape));
            }
            List<OutputValue> all = run(version, merged, head.outputs());
            List<List<OutputValue>> split = new ArrayList<>(group.size());
            int from = 0;
            for (Prediction p : group) {
                List<OutputValue> mine = new ArrayList<>(all.size());
                for (OutputValue out : all) {
                    OutputValue rows = out.rows(from, p.rows(), totalRows);
                    if (rows == null) {
                        version.stopBatching("output '" + out.name() + "' has no row per input row");
                        return null;
                    }
                    mine.add(rows);
                }
                split.add(mine);
                from += p.rows();
            }
            return split;
        } catch (RuntimeException e) {
            // A request's own values (ONNX Runtime's invalid argument) are routine and each request
            // gets its own 400 from the separate runs; anything else is worth a look.
            if (e instanceof ApiException) {
                log.debug("merged run of {} predictions on version {} rejected, running them one by one: {}",
                        group.size(), version.label(), e.getMessage());
            } else {
                log.warn("merged run of {} predictions on version {} failed, running them one by one",
                        group.size(), version.label(), e);
            }
            return null;
        } finally {
            merged.forEach(f -> f.tensor().close());
        }
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
