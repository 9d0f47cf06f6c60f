package io.rtml.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The third-party reference ONNX models: each a {@code model.onnx} with the {@code reference.json}
 * that real ONNX Runtime produced for it. A few are bundled with this module; the whole catalogue
 * lives in {@code ../shared/models} beside the checkout (system property {@code rtml.shared-models}).
 */
public final class ReferenceModels {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One reference model on disk. */
    public record ReferenceModel(String name, Path file, JsonNode reference) {

        /** {@code ok}, {@code parse_error} or {@code load_error}. */
        public String expect() {
            return reference.path("expect").asString();
        }

        public String sha256() {
            return reference.path("source").path("sha256").asString();
        }

        public long bytes() {
            return reference.path("source").path("bytes").asLong();
        }

        public byte[] readBytes() {
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private ReferenceModels() {}

    /** Every model of the shared catalogue, in name order. */
    public static List<ReferenceModel> shared() {
        Path dir = sharedDir();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("reference models not found at " + dir.toAbsolutePath()
                    + "; set -Drtml.shared-models=DIR");
        }
        try (Stream<Path> dirs = Files.list(dir)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("reference.json")))
                    .sorted()
                    .map(d -> load(d.getFileName().toString(), d))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shared catalogue's model of that name. */
    public static ReferenceModel named(String name) {
        return shared().stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no reference model '" + name + "' in " + sharedDir()));
    }

    /** The shared catalogue's models that ONNX Runtime serves ({@code expect: ok}). */
    public static Stream<ReferenceModel> servable() {
        return shared().stream().filter(m -> m.expect().equals("ok"));
    }

    /** A model bundled in this module's resources: works without the shared catalogue. */
    public static ReferenceModel bundled(String name) {
        try {
            Path dir = Files.createTempDirectory("rtml-model-" + name);
            dir.toFile().deleteOnExit();
            for (String file : List.of("model.onnx", "reference.json")) {
                try (InputStream in = ReferenceModels.class.getResourceAsStream("models/" + name + "/" + file)) {
                    if (in == null) {
                        throw new IllegalArgumentException("no bundled reference model " + name);
                    }
                    Path target = dir.resolve(file);
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    target.toFile().deleteOnExit();
                }
            }
            return load(name, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path sharedDir() {
        String configured = System.getProperty("rtml.shared-models");
        return configured != null ? Paths.get(configured) : Paths.get("..", "shared", "models");
    }

    private static ReferenceModel load(String name, Path dir) {
        JsonNode reference = JSON.readTree(dir.resolve("reference.json").toFile());
        return new ReferenceModel(name, dir.resolve("model.onnx"), reference);
    }
}
