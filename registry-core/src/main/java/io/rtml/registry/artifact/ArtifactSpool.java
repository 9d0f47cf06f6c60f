package io.rtml.registry.artifact;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.LongConsumer;
import org.springframework.stereotype.Component;

/**
 * Streams an upload to a local file while hashing it. The registry needs the whole file before it
 * can trust it (its SHA-256 names the object; ONNX Runtime must load it), and spooling to disk
 * rather than memory keeps the heap flat whatever the artifact's size.
 */
@Component
public class ArtifactSpool {

    private static final int BUFFER = 256 * 1024;

    private final UploadProperties properties;

    ArtifactSpool(UploadProperties properties) {
        this.properties = properties;
    }

    public long maxSize() {
        return properties.maxSize().toBytes();
    }

    /** Copies {@code in} to a new spool file; the caller closes the result to delete it. */
    public SpooledArtifact spool(InputStream in) {
        return fill(newFile(), in, written -> {});
    }

    /**
     * Copies {@code in} to {@code file}, created by {@link #newFile()}, telling {@code progress} the
     * bytes written so far after each write. Deletes the file when the copy fails.
     */
    SpooledArtifact fill(Path file, InputStream in, LongConsumer progress) {
        MessageDigest sha256 = newDigest();
        long size = 0;
        boolean complete = false;
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = in.read(buffer)) != -1; ) {
                size += n;
                if (size > maxSize()) {
                    throw tooLarge(maxSize());
                }
                sha256.update(buffer, 0, n);
                out.write(buffer, 0, n);
                progress.accept(size);
            }
            complete = true;
        } catch (IOException e) {
            throw new UncheckedIOException("upload interrupted after " + size + " bytes", e);
        } finally {
            if (!complete) {
                deleteQuietly(file);
            }
        }
        if (size == 0) {
            deleteQuietly(file);
            throw new RtmlException(ErrorCode.EMPTY_ARTIFACT, "the upload is empty: send the bytes of an .onnx file");
        }
        return new SpooledArtifact(file, HexFormat.of().formatHex(sha256.digest()), size);
    }

    public static RtmlException tooLarge(long maxBytes) {
        return new RtmlException(ErrorCode.PAYLOAD_TOO_LARGE,
                "the artifact is larger than the limit of " + maxBytes + " bytes (rtml.registry.upload.max-size)");
    }

    Path newFile() {
        try {
            Files.createDirectories(properties.spoolDir());
            return Files.createTempFile(properties.spoolDir(), "upload-", ".onnx");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a spool file in " + properties.spoolDir(), e);
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort: the original failure is what the caller needs to see
        }
    }
}
