package io.rtml.registry.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import io.rtml.onnx.WeightlessCopy;
import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves that ONNX Runtime can load the model before the registry accepts it, so that a deployment
 * does not discover it on every scoring node. The session is made as cheap as possible (no graph
 * optimization, one thread) and closed at once.
 *
 * <p>A model with large initializers is loaded as its {@link WeightlessCopy}, which ONNX Runtime opens
 * without copying the weights. Only a copy that loads counts as a pass: when it does not, the
 * original is loaded too, so a refusal and its message always come from the model as uploaded.
 */
final class RuntimeLoadCheck {

    private static final Logger log = LoggerFactory.getLogger(RuntimeLoadCheck.class);
    private static final Pattern ORT_PREFIX = Pattern.compile("^Error code - \\w+ - message: ");
    private static final Pattern LOAD_PREFIX = Pattern.compile("^Load model from .*? failed: ?", Pattern.DOTALL);
    private static final Pattern LOCALE = Pattern.compile("Failed to construct locale with name: ?([A-Za-z_@]+)(?:\\.([A-Za-z0-9-]+))?");

    private RuntimeLoadCheck() {}

    static void check(Path file) {
        if (loadsWithoutWeights(file)) {
            return;
        }
        try {
            load(file);
        } catch (OrtException e) {
            throw refusal(e, file);
        }
    }

    private static boolean loadsWithoutWeights(Path file) {
        Path copy;
        try {
            copy = WeightlessCopy.write(file);
        } catch (IOException e) {
            log.warn("could not write a weightless copy of {}; loading the model as uploaded", file, e);
            return false;
        }
        if (copy == null) {
            return false;
        }
        try {
            load(copy);
            return true;
        } catch (OrtException e) {
            log.debug("the weightless copy did not load ({}); loading the model as uploaded", e.getMessage());
            return false;
        } finally {
            try {
                Files.deleteIfExists(copy);
            } catch (IOException e) {
                log.warn("could not delete {}", copy, e);
            }
        }
    }

    private static void load(Path file) throws OrtException {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            // Warnings such as "removing unused initializer" are the model's business, not the registry log's.
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            try (OrtSession session = environment.createSession(file.toString(), options)) {
                // Loading is the check; the session is not used.
            }
        }
    }

    static RtmlException refusal(OrtException e, Path file) {
        String reason = reason(String.valueOf(e.getMessage()), file);
        Matcher locale = LOCALE.matcher(reason);
        if (locale.find()) {
            return localeMissing(locale.group(1), locale.group(2) == null ? "UTF-8" : locale.group(2), e);
        }
        String detail = "ONNX Runtime cannot load this model: " + reason;
        if (reason.contains("is not a registered function/op")) {
            detail += ". The model uses operators from a domain that plain ONNX Runtime does not provide (custom ops).";
        }
        return new RtmlException(ErrorCode.MODEL_LOAD_FAILED, detail, e);
    }

    /** ONNX Runtime's own reason, without its error-code prefix and the server's temporary file path. */
    static String reason(String message, Path file) {
        String reason = ORT_PREFIX.matcher(message.strip()).replaceFirst("");
        String path = file.toString();
        String absolute = file.toAbsolutePath().toString();
        if (reason.startsWith("Load model from " + path + " failed:")) {
            reason = reason.substring(("Load model from " + path + " failed:").length());
        } else if (reason.startsWith("Load model from " + absolute + " failed:")) {
            reason = reason.substring(("Load model from " + absolute + " failed:").length());
        } else {
            reason = LOAD_PREFIX.matcher(reason).replaceFirst("");
        }
        return reason.replace(absolute, "<model>").replace(path, "<model>").strip();
    }

    private static RtmlException localeMissing(String language, String charset, OrtException e) {
        String name = language + "." + charset;
        String detail = "the model needs the locale " + name + " (its StringNormalizer operator constructs it), which is "
                + "not installed on the registry host, so ONNX Runtime cannot load it. An operator can install it: on "
                + "Debian/Ubuntu run `apt-get install locales`, add the line `" + name + " " + charset + "` to "
                + "/etc/locale.gen and run `locale-gen`; or, without root, build it with `localedef -i " + language
                + " -f " + charset + " DIR/" + name + "` and start the registry with LOCPATH=DIR (the repository's "
                + "scripts/ensure-locale.sh does this).";
        return new RtmlException(ErrorCode.RUNTIME_LOCALE_MISSING, detail, e);
    }
}
