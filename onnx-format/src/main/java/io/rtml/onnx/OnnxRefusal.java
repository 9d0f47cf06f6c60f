package io.rtml.onnx;

/**
 * Why a file is not a model this platform loads, found by {@link ModelWalker}. It carries what was
 * found rather than a final wording: the registry words it for the data scientist who uploaded the
 * file (with its own error codes), a scoring node for the operator who staged it.
 */
public final class OnnxRefusal extends RuntimeException {

    /** What kind of refusal; each caller maps it to its own error code. */
    public enum Kind {
        /** The file has 0 bytes. */
        EMPTY,
        /** Readable protobuf, but not an ONNX model; {@link #detail()} says why. */
        NOT_ONNX,
        /** Not valid protobuf at {@link #position()} of {@link #size()}; {@link #detail()} is the decoder's complaint. */
        MALFORMED,
        /** A tensor keeps its data in another file; {@link #detail()} says which tensor, {@link #location()} names the file. */
        EXTERNAL_DATA,
        /** Past the {@link InspectionLimits}; {@link #detail()} says which. */
        TOO_COMPLEX
    }

    private final Kind kind;
    private final String detail;
    private final String location;
    private final long position;
    private final long size;

    private OnnxRefusal(Kind kind, String detail, String location, long position, long size, String message) {
        super(message, null, false, false); // an answer to bad input: no stack trace needed
        this.kind = kind;
        this.detail = detail;
        this.location = location;
        this.position = position;
        this.size = size;
    }

    static OnnxRefusal empty() {
        return new OnnxRefusal(Kind.EMPTY, "the file is empty (0 bytes)", null, 0, 0, "the model file is empty (0 bytes)");
    }

    static OnnxRefusal notOnnx(String reason) {
        return new OnnxRefusal(Kind.NOT_ONNX, reason, null, 0, 0, "the file is not an ONNX model: " + reason);
    }

    static OnnxRefusal malformed(String problem, long position, long size) {
        return new OnnxRefusal(Kind.MALFORMED, problem, null, position, size, "the file is not an ONNX model: it is not a "
                + "valid protobuf message (at byte " + position + " of " + size + ": " + problem + ")");
    }

    static OnnxRefusal tooComplex(String what) {
        return new OnnxRefusal(Kind.TOO_COMPLEX, what, null, 0, 0, "the model exceeds the inspection limits: " + what);
    }

    static OnnxRefusal externalData(String where, String location) {
        String file = location == null ? "" : " ('" + location + "')";
        return new OnnxRefusal(Kind.EXTERNAL_DATA, where, location, 0, 0, "the model keeps the data of " + where
                + " in an external file" + file + "; only self-contained .onnx files are loaded (save the model with "
                + "all tensors embedded, e.g. onnx.save_model(model, path, save_as_external_data=False))");
    }

    public Kind kind() {
        return kind;
    }

    /** What was found, without the wording of {@link #getMessage()}. */
    public String detail() {
        return detail;
    }

    /** The external file a tensor names (EXTERNAL_DATA), or null. Never opened. */
    public String location() {
        return location;
    }

    /** Bytes read before the protobuf decoder gave up (MALFORMED). */
    public long position() {
        return position;
    }

    /** The file's size (MALFORMED). */
    public long size() {
        return size;
    }
}
