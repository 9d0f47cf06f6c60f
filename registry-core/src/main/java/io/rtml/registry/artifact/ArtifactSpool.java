package io.rtml.registry.artifact;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.registry.onnx.FloatWeights;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Streams an upload to a local file while hashing it on another thread ({@link Sha256Pipeline}). The
 * registry needs the whole file before it can trust it (its SHA-256 names the object; ONNX Runtime
 * must load it), and spooling to disk rather than memory keeps the heap flat whatever the artifact's size.
 */
@Component
public class ArtifactSpool {

    /** Bytes read from an upload at a time. */
    public static final int BUFFER = 256 * 1024;
    private static final int BUFFERS = 4;

    private final UploadProperties properties;
    private final Executor hashing;

    @Autowired
    ArtifactSpool(UploadProperties properties, UploadExecutors executors) {
        this(properties, executors.background());
    }

    public ArtifactSpool(UploadProperties properties, Executor hashing) {
        this.properties = properties;
        this.hashing = hashing;
    }

    public long maxSize() {
        return properties.maxSize().toBytes();
    }

    /** Copies {@code in} to a new spool file; the caller closes the result to delete it. */
    public SpooledArtifact spool(InputStream in) {
        return fill(newFile(), in, null, false);
    }

    /**
     * Copies {@code in} to {@code file}, created by {@link #newFile()}, and to the S3 upload {@code put}
     * unless it is null. With {@code leaveOutWeights}, the file gets only what the inspection needs: the raw bytes
     * of large floating-point initializers become a hole ({@link FloatWeights}), which saves writing
     * (and caching) most of a large model a second time when its bytes go to S3 anyway. Deletes the
     * file when the copy fails.
     */
    SpooledArtifact fill(Path file, InputStream in, MultipartPut put, boolean leaveOutWeights) {
        long size = 0;
        boolean complete = false;
        String sha256;
        long leftOut;
        try (Sha256Pipeline hash = new Sha256Pipeline(hashing, BUFFERS, BUFFER);
                SpoolWriter out = new SpoolWriter(file, leaveOutWeights ? new FloatWeights() : null)) {
            while (true) {
                byte[] buffer = hash.buffer();
                int n = in.readNBytes(buffer, 0, buffer.length);
                if (n == 0) {
                    break;
                }
                size += n;
                if (size > maxSize()) {
                    throw tooLarge(maxSize());
                }
                hash.update(buffer, n);
                if (put != null) {
                    put.write(buffer, n);
                }
                out.write(buffer, n);
            }
            if (put != null) {
                put.endOfBody();
            }
            sha256 = hash.finish();
            leftOut = out.finish(size);
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
        return new SpooledArtifact(file, sha256, size, leftOut);
    }

    /**
     * A spool file that cannot be created or written is the server's failure, not the client's: a
     * full disk is 507, anything else 503; both are logged at ERROR where they are answered.
     */
    static RtmlException spoolFailure(IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("No space left") || message.contains("quota")) {
            return new RtmlException(ErrorCode.INSUFFICIENT_STORAGE, "the server has no disk space left to receive"
                    + " the upload (" + message + "); nothing was kept, try again later", e);
        }
        return new RtmlException(ErrorCode.STORAGE_UNAVAILABLE, "the server could not write the upload to its spool"
                + " folder (" + message + "); nothing was kept, try again later", e);
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
            throw spoolFailure(e);
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
