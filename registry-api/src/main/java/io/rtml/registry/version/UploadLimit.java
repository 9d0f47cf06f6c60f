package io.rtml.registry.version;

import io.rtml.registry.artifact.ArtifactSpool;
import org.springframework.stereotype.Component;

/** Refuses a raw upload whose declared length is over the limit before reading a byte of it. */
@Component
class UploadLimit {

    private final ArtifactSpool spool;

    UploadLimit(ArtifactSpool spool) {
        this.spool = spool;
    }

    void checkDeclaredLength(long contentLength) {
        if (contentLength > spool.maxSize()) {
            throw ArtifactSpool.tooLarge(spool.maxSize());
        }
    }
}
