package io.rtml.registry.onnx;

import io.rtml.onnx.InspectionLimits;
import io.rtml.onnx.ModelSignature;
import io.rtml.onnx.ModelWalker;
import io.rtml.onnx.OnnxRefusal;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Decides whether an uploaded file is a model the registry can accept, and reads its signature.
 * The file is first walked as a protobuf stream within {@link InspectionLimits} (so a hostile or
 * huge file costs neither memory nor stack, and no external data file is ever opened), then
 * loaded once by ONNX Runtime, which is what every scoring node will do with it.
 *
 * <p>Thread-safe: it holds nothing but its limits.
 */
public final class OnnxInspector {

    private final InspectionLimits limits;

    public OnnxInspector(InspectionLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * Returns the model's signature.
     *
     * @throws io.rtml.problem.RtmlException with {@code EMPTY_ARTIFACT}, {@code NOT_ONNX},
     *     {@code EXTERNAL_DATA_NOT_SUPPORTED}, {@code MODEL_TOO_COMPLEX}, {@code MODEL_LOAD_FAILED} or
     *     {@code RUNTIME_LOCALE_MISSING} when the model cannot be accepted
     * @throws java.io.UncheckedIOException when the file cannot be read
     */
    public ModelSignature inspect(Path onnxFile) {
        ModelSignature signature;
        try {
            signature = ModelWalker.walk(onnxFile, limits);
        } catch (OnnxRefusal refusal) {
            throw Refusals.of(refusal, onnxFile);
        }
        // Only after the walk: it is what guarantees ONNX Runtime never follows an external-data path.
        RuntimeLoadCheck.check(onnxFile);
        return signature;
    }
}
