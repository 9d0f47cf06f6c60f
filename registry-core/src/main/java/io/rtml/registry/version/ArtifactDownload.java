package io.rtml.registry.version;

import java.io.InputStream;

/** An artifact opened for streaming to a client; the caller closes the stream. */
public record ArtifactDownload(String fileName, String sha256, long sizeBytes, InputStream content) {}
