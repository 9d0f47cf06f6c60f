package io.rtml.registry.artifact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An upload spooled to local disk with its SHA-256 and size; closing it deletes the file. When
 * {@code leftOutBytes} is not 0, the file lacks the raw bytes of large floating-point weights (holes
 * in their place): good for the inspection, but not a copy of the upload that could be stored.
 */
public record SpooledArtifact(Path path, String sha256, long size, long leftOutBytes) implements AutoCloseable {

    @Override
    public void close() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete spooled upload " + path, e);
        }
    }
}
