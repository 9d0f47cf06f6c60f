package io.rtml.embedded.s3;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * An S3-compatible HTTP server that keeps objects as files in a local folder. It lets the
 * embedded stack and the tests talk to a real S3 API (signatures, multipart, ETags) without
 * MinIO or AWS.
 */
public final class EmbeddedS3Server implements AutoCloseable {

    private final S3Proxy proxy;
    private final String accessKey;
    private final String secretKey;

    private EmbeddedS3Server(S3Proxy proxy, String accessKey, String secretKey) {
        this.proxy = proxy;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /**
     * Starts a server on 127.0.0.1.
     *
     * @param dataDir folder holding one sub-folder per bucket; created if missing
     * @param port TCP port, or 0 for any free port
     * @param bucket bucket to create if it does not exist yet
     */
    public static EmbeddedS3Server start(Path dataDir, int port, String bucket, String accessKey, String secretKey)
            throws Exception {
        Files.createDirectories(dataDir);
        BlobStore store = new FilesystemNio2BlobStore(dataDir.toAbsolutePath().toString());
        if (!store.containerExists(bucket)) {
            store.createContainer(bucket);
        }
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.onSpinWait();
        }
        return new EmbeddedS3Server(proxy, accessKey, secretKey);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
