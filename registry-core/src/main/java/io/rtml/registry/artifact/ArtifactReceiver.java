package io.rtml.registry.artifact;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Receives an upload into a spool file while hashing it. When the client declared the SHA-256 and the
 * length, the object key is known before the first byte, so the S3 PUT starts at once and follows the
 * spool file as it grows, instead of starting after the last byte: the upload costs about one transfer
 * rather than two. That PUT is held back on its last byte until the upload has passed its checks (see
 * {@link ReceivedArtifact#store()}), so a refused upload never creates an object.
 */
@Component
public class ArtifactReceiver implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ArtifactReceiver.class);

    private final ArtifactSpool spool;
    private final ArtifactStore store;
    private final ExecutorService background;

    ArtifactReceiver(ArtifactSpool spool, ArtifactStore store) {
        this.spool = spool;
        this.store = store;
        // For the PUTs of uploads in flight and the deletion of their spool files.
        this.background = DaemonThreads.cachedPool("artifact-upload");
    }

    /**
     * Spools and hashes {@code body}. {@code declaredSha256} (lowercase hex) and {@code declaredSize}
     * are what the client said the bytes will be, or null: without both, nothing is sent to S3 before
     * {@link ReceivedArtifact#store()}.
     */
    public ReceivedArtifact receive(InputStream body, String declaredSha256, Long declaredSize) {
        Path file = spool.newFile();
        StreamedPut put = null;
        try {
            String storedKey = null;
            if (declaredSha256 != null && declaredSize != null && declaredSize > 0) {
                String key = ArtifactStore.keyFor(declaredSha256);
                if (store.exists(key)) {
                    storedKey = key; // the same bytes are stored already: no PUT at all
                } else {
                    put = startPut(file, key, declaredSha256, declaredSize);
                }
            }
            SpooledArtifact spooled = spool.fill(file, body, put == null ? written -> {} : put.file());
            return new ReceivedArtifact(spooled, store, put, storedKey, background);
        } catch (RuntimeException e) {
            if (put != null) {
                put.abandon();
            }
            ArtifactSpool.deleteQuietly(file);
            throw e;
        }
    }

    private StreamedPut startPut(Path file, String key, String sha256, long size) {
        GrowingFile growing = new GrowingFile(file, size);
        try {
            Future<?> result = background.submit(() -> store.put(key, sha256,
                    RequestBody.fromContentProvider(growing::follow, size, "application/octet-stream")));
            return new StreamedPut(key, growing, result);
        } catch (RejectedExecutionException e) {
            log.debug("no thread for a PUT while receiving {}; it will be stored after it is checked", key);
            return null;
        }
    }

    /** Lets pending spool-file deletions run; PUTs still under way end with the JVM (daemon threads). */
    @Override
    public void close() {
        background.shutdown();
    }
}
