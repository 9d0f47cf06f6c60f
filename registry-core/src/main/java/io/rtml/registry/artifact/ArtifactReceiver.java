package io.rtml.registry.artifact;

import io.rtml.artifact.ArtifactStore;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import org.springframework.stereotype.Component;

/**
 * Receives an upload into a spool file while hashing it. When the client declared the SHA-256, the
 * bytes also go to S3 as they arrive, as the parts of a multipart upload of that content key
 * ({@link MultipartPut}); the upload is completed only after it passed its checks
 * ({@link ReceivedArtifact#store()}), so a refused upload never creates an object, and the spool file
 * keeps only what the checks read ({@link ArtifactSpool#fill}). Without a declared SHA-256 the key is
 * known only at the end: the spool file is PUT after the checks.
 */
@Component
public class ArtifactReceiver {

    private final ArtifactSpool spool;
    private final ArtifactStore store;
    private final PartUploads parts;
    private final Executor background;

    ArtifactReceiver(ArtifactSpool spool, ArtifactStore store, PartUploads parts, UploadExecutors executors) {
        this.spool = spool;
        this.store = store;
        this.parts = parts;
        this.background = executors.background();
    }

    /** Spools and hashes {@code body}; {@code declaredSha256} (lowercase hex) is what the client said the bytes hash to, or null. */
    public ReceivedArtifact receive(InputStream body, String declaredSha256) {
        Path file = spool.newFile();
        MultipartPut put = null;
        try {
            String storedKey = null;
            if (declaredSha256 != null) {
                String key = ArtifactStore.keyFor(declaredSha256);
                if (store.exists(key)) {
                    storedKey = key; // the same bytes are stored already: nothing to send
                } else {
                    // Null when every part buffer is taken: then the upload is spooled whole and PUT after its checks.
                    put = parts.start(key, declaredSha256);
                }
            }
            SpooledArtifact spooled = spool.fill(file, body, put, put != null || storedKey != null);
            return new ReceivedArtifact(spooled, store, put, storedKey, background);
        } catch (RuntimeException | Error e) {
            if (put != null) {
                put.abort();
            }
            ArtifactSpool.deleteQuietly(file);
            throw e;
        }
    }
}
