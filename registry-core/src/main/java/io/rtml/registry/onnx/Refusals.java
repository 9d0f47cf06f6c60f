package io.rtml.registry.onnx;

import io.rtml.onnx.OnnxRefusal;
import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The inspector's refusals, worded for the data scientist who uploaded the file: each says what was
 * found and, where there is one, what to do instead.
 */
final class Refusals {

    private static final String NOT_ONNX = "the file is not an ONNX model: ";

    private Refusals() {}

    /** The shared walk's refusal, worded as the registry always has. */
    static RtmlException of(OnnxRefusal refusal, Path file) {
        return switch (refusal.kind()) {
            case EMPTY -> empty();
            case NOT_ONNX -> notOnnx(refusal.detail());
            case MALFORMED -> fromProtobuf(refusal.detail(), refusal.position(), refusal.size(), file);
            case EXTERNAL_DATA -> externalData(refusal.detail(), refusal.location());
            case TOO_COMPLEX -> tooComplex(refusal.detail());
        };
    }

    static RtmlException empty() {
        return new RtmlException(ErrorCode.EMPTY_ARTIFACT, "the uploaded file is empty (0 bytes); upload the .onnx file itself");
    }

    static RtmlException notOnnx(String reason) {
        return new RtmlException(ErrorCode.NOT_ONNX, NOT_ONNX + reason);
    }

    static RtmlException truncated(long position, long size) {
        return notOnnx("it ends in the middle of a protobuf message (at byte " + position + " of " + size
                + "); was the upload interrupted or the file cut short?");
    }

    /** The protobuf decoder's complaint, told as a cut-short upload or as a file that is something else. */
    static RtmlException fromProtobuf(String problem, long position, long size, Path file) {
        String reason = String.valueOf(problem);
        if (reason.contains("ended unexpectedly") || reason.contains("truncated")) {
            return truncated(position, size);
        }
        reason = reason.replaceFirst("^Protocol message ", "").replaceFirst("\\.$", "");
        return notOnnx("it is not a valid protobuf message (at byte " + position + ": " + reason + ")" + hint(head(file)));
    }

    static RtmlException tooComplex(String what) {
        return new RtmlException(ErrorCode.MODEL_TOO_COMPLEX, "the model exceeds the registry's inspection limits: " + what);
    }

    static RtmlException externalData(String where, String location) {
        String file = location == null ? "" : " ('" + location + "')";
        return new RtmlException(ErrorCode.EXTERNAL_DATA_NOT_SUPPORTED, "the model keeps the data of " + where
                + " in an external file" + file + "; the registry only accepts self-contained .onnx files. Save the "
                + "model with all tensors embedded, e.g. onnx.save_model(model, path, save_as_external_data=False) "
                + "(a model over 2 GiB cannot be embedded and is not supported).");
    }

    private static byte[] head(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(8);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** What the first bytes suggest the file really is; a wrong file is the most common cause. */
    static String hint(byte[] head) {
        if (startsWith(head, 'P', 'K', 3, 4)) {
            return "; it is a ZIP archive (a PyTorch .pt checkpoint or a zipped model?): export the model to ONNX, "
                    + "or unzip it and upload the .onnx file inside";
        }
        if (startsWith(head, 0x1f, 0x8b)) {
            return "; it is gzip-compressed: decompress it and upload the .onnx file";
        }
        if (startsWith(head, 0x89, 'H', 'D', 'F')) {
            return "; it is an HDF5 file (a Keras .h5 model?): convert it to ONNX first, e.g. with tf2onnx";
        }
        if (head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) {
            return "; it is a Python pickle (a scikit-learn or PyTorch model?): convert it to ONNX first, "
                    + "e.g. with skl2onnx or torch.onnx.export";
        }
        String text = new String(head, StandardCharsets.UTF_8).strip();
        if (text.startsWith("{") || text.startsWith("[")) {
            return "; it looks like a JSON document";
        }
        return isText(head) ? "; it looks like a text file" : "";
    }

    private static boolean startsWith(byte[] head, int... magic) {
        if (head.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((head[i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isText(byte[] head) {
        if (head.length == 0) {
            return false;
        }
        for (byte b : head) {
            int c = b & 0xff;
            if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
