package io.rtml.registry.artifact;

import io.rtml.artifact.ArtifactStore;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Receives an upload into a spool file while hashing it. When the client gave the length, the S3 PUT
 * starts with the first byte and is fed from memory as the body arrives, instead of starting after the
 * last byte: the upload costs about one transfer rather than two. Its key is the content key when the
 * client declared the SHA-256 too, else a staging key that {@code StagedArtifacts} later moves to the
 * content key. That PUT is held back on its last byte until the upload has passed its checks (see
 * {@link ReceivedArtifact#store()}), so a refused upload never creates an object; and as S3 gets the
 * bytes, the spool file keeps only what the checks read ({@link ArtifactSpool#fill}).
 */
@Component
public class ArtifactReceiver implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ArtifactReceiver.class);

    /** Buffers between an upload and the S3 PUT it feeds: enough to ride out the PUT's pauses. */
    private static final int PUT_BUFFERS = 4;

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
     * are what the client said the bytes will be, or null: without the size, nothing is sent to S3
     * before {@link ReceivedArtifact#store()}.
     */
    public ReceivedArtifact receive(InputStream body, String declaredSha256, Long declaredSize) {
        Path file = spool.newFile();
        StreamedPut put = null;
        try {
            String storedKey = null;
            if (declaredSize != null && declaredSize > 0 && declaredSize <= spool.maxSize()) {
                String key = declaredSha256 == null ? ArtifactStore.newStagingKey() : ArtifactStore.keyFor(declaredSha256);
                if (declaredSha256 != null && store.exists(key)) {
                    storedKey = key; // the same bytes are stored already: no PUT at all
                } else {
                    put = startPut(key, declaredSha256, declaredSize);
                }
            }
            boolean bytesGoElsewhere = put != null || storedKey != null;
            SpooledArtifact spooled = spool.fill(file, body, put == null ? null : put.feed(), bytesGoElsewhere);
            return new ReceivedArtifact(spooled, store, put, storedKey, background);
        } catch (RuntimeException | Error e) {
            if (put != null) {
                put.abandon();
            }
            ArtifactSpool.deleteQuietly(file);
            throw e;
        }
    }

    private StreamedPut startPut(String key, String sha256, long size) {
        PutFeed feed = new PutFeed(size, PUT_BUFFERS, ArtifactSpool.BUFFER);
        try {
            CompletableFuture<Void> result = CompletableFuture.runAsync(() -> {
                try {
                    store.put(key, sha256, RequestBody.fromContentProvider(feed::open, size, "application/octet-stream"));
                } catch (RuntimeException | Error e) {
                    feed.abandon(); // the receiving thread must not wait for a PUT that is gone
                    throw e;
                }
            }, background);
            return new StreamedPut(key, feed, result);
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
