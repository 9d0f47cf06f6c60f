package io.rtml.registry.artifact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An upload spooled to local disk with its SHA-256 and size; closing it deletes the file. */
public record SpooledArtifact(Path path, String sha256, long size) implements AutoCloseable {

    @Override
    public void close() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete spooled upload " + path, e);
        }
    }
}
