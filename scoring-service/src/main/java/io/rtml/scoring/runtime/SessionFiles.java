package io.rtml.scoring.runtime;

import io.rtml.onnx.WeightlessCopy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files one ONNX Runtime session is created from, in a directory of its own that holds nothing
 * else: ONNX Runtime resolves a tensor's external data relative to the model file's directory, so
 * even a reference that got past the walk could only name these files, never the node's working
 * directory, its token or its state. The artifact is linked in as {@code weights.onnx}; the model
 * ONNX Runtime reads is either that link or {@code model.onnx}, a copy whose large initializers point
 * into the link as external data (ONNX Runtime maps them instead of parsing and copying them) and
 * that ends with the ZipMap rewrite's extra outputs. No byte of the weights passes through the heap.
 * The directory is deleted once the session exists: what ONNX Runtime mapped stays mapped.
 */
final class SessionFiles implements AutoCloseable {

    static final String WEIGHTS = "weights.onnx";
    static final String MODEL = "model.onnx";

    private static final Logger log = LoggerFactory.getLogger(SessionFiles.class);
    private static final String PREFIX = "session-";

    private final Path dir;
    private final Path model;
    private final boolean mapsWeights;

    private SessionFiles(Path dir, Path model, boolean mapsWeights) {
        this.dir = dir;
        this.model = model;
        this.mapsWeights = mapsWeights;
    }

    /** Creates {@code root} and deletes what a stopped node left in it. */
    static void prepareRoot(Path root) {
        try {
            Files.createDirectories(root);
            try (Stream<Path> leftovers = Files.list(root)) {
                leftovers.filter(p -> p.getFileName().toString().startsWith(PREFIX)).forEach(SessionFiles::delete);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the session directory " + root, e);
        }
    }

    /**
     * Lays out the files for {@code artifact}, with {@code suffix} appended to the model (may be
     * empty); {@code mapWeights} false copies the model whole instead of pointing at its weights.
     */
    static SessionFiles create(Path root, Path artifact, byte[] suffix, boolean mapWeights) throws IOException {
        Path dir = Files.createTempDirectory(root, PREFIX);
        try {
            Path weights = dir.resolve(WEIGHTS);
            link(artifact, weights);
            Path model = dir.resolve(MODEL);
            boolean copied = mapWeights && WeightlessCopy.writeTo(weights, model, WeightlessCopy.MIN_BYTES);
            if (!copied && suffix.length == 0) {
                return new SessionFiles(dir, weights, false);
            }
            if (!copied) {
                Files.copy(weights, model); // small, unless the weights could not be mapped
            }
            if (suffix.length > 0) {
                Files.write(model, suffix, StandardOpenOption.APPEND);
            }
            return new SessionFiles(dir, model, copied);
        } catch (IOException | RuntimeException e) {
            delete(dir);
            throw e;
        }
    }

    /** The file to give ONNX Runtime. */
    Path model() {
        return model;
    }

    /** Whether the model points at the weights as external data (rather than carrying them). */
    boolean mapsWeights() {
        return mapsWeights;
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() {
        delete(dir);
    }

    /** A hard link costs neither time nor disk; another file system gets a copy. */
    private static void link(Path artifact, Path weights) throws IOException {
        try {
            Files.createLink(weights, artifact);
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("cannot link {} into {} ({}); copying it", artifact, weights.getParent(), e.toString());
            Files.copy(artifact, weights);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            log.warn("could not delete the session directory {}: {}", dir, e.getMessage());
        }
    }
}
