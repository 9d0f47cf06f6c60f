package io.rtml.artifact;

import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Artifact bytes in S3, content addressed: the key is derived from the SHA-256 of the bytes, so an
 * object never changes meaning and identical uploads are stored once.
 */
public class ArtifactStore {

    private static final Logger log = LoggerFactory.getLogger(ArtifactStore.class);

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final Duration presignTtl;

    public ArtifactStore(S3Client s3, S3Presigner presigner, S3Properties properties) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = properties.bucket();
        this.presignTtl = properties.presignTtl();
        if (properties.createBucket()) {
            ensureBucket();
        }
    }

    private static final String STAGING = "staging/";

    public static String keyFor(String sha256) {
        return "artifacts/sha256/" + sha256.substring(0, 2) + "/" + sha256;
    }

    /**
     * A key for an upload whose SHA-256 is not known when its PUT starts. Versions may refer to it
     * until {@code StagedArtifacts} has copied it to its content key.
     */
    public static String newStagingKey() {
        return STAGING + UUID.randomUUID();
    }

    public static boolean isStaging(String key) {
        return key.startsWith(STAGING);
    }

    /** Stores the file, whose SHA-256 is {@code sha256}, under its content key unless identical bytes are already there. */
    public String store(Path file, String sha256) {
        String key = keyFor(sha256);
        if (!exists(key)) {
            put(key, sha256, RequestBody.fromFile(file));
        }
        return key;
    }

    /** One PUT of {@code content}; S3 creates the object only if it completes. {@code sha256}: null when not known yet. */
    public void put(String key, String sha256, RequestBody content) {
        s3.putObject(b -> b.bucket(bucket).key(key).contentLength(content.optionalContentLength().orElseThrow())
                .contentType("application/octet-stream")
                .metadata(sha256 == null ? Map.of() : Map.of("sha256", sha256)), content);
    }

    /**
     * Copies a staged upload to its content key, inside S3, unless that object exists already; checks
     * that the result has {@code size} bytes. One copy request: objects up to 5 GiB (see UploadProperties).
     */
    public void copyToContentKey(String stagingKey, String sha256, long size) {
        String key = keyFor(sha256);
        long stored = sizeOf(key);
        if (stored < 0) {
            s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(stagingKey).destinationBucket(bucket).destinationKey(key)
                    .metadataDirective(MetadataDirective.REPLACE).contentType("application/octet-stream")
                    .metadata(Map.of("sha256", sha256)));
            stored = sizeOf(key);
        }
        if (stored != size) {
            throw new IllegalStateException(key + " holds " + stored + " bytes, not the " + size + " of " + stagingKey);
        }
    }

    /** An object under the staging prefix. */
    public record StagingObject(String key, Instant lastModified) {}

    public List<StagingObject> stagingObjects() {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(STAGING)).contents().stream()
                .map(o -> new StagingObject(o.key(), o.lastModified()))
                .toList();
    }

    public void delete(String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    public boolean exists(String key) {
        return sizeOf(key) >= 0;
    }

    /** The object's length, or -1 when there is none. */
    private long sizeOf(String key) {
        try {
            return s3.headObject(b -> b.bucket(bucket).key(key)).contentLength();
        } catch (NoSuchKeyException e) {
            return -1;
        }
    }

    public ResponseInputStream<GetObjectResponse> open(String key) {
        return s3.getObject(b -> b.bucket(bucket).key(key));
    }

    /**
     * A URL that lets a scoring node GET the artifact for a short while without credentials. It is
     * a bearer credential until it expires: log it only through {@link #redact(URL)}.
     */
    public URL presignGet(String key) {
        return presigner.presignGetObject(b -> b.signatureDuration(presignTtl)
                .getObjectRequest(r -> r.bucket(bucket).key(key))).url();
    }

    /** The URL without its query string, which holds the signature. */
    public static String redact(URL url) {
        return url.getProtocol() + "://" + url.getAuthority() + url.getPath() + (url.getQuery() == null ? "" : "?…");
    }

    /** Cheap round trip for health checks. */
    public void ping() {
        s3.headBucket(b -> b.bucket(bucket));
    }

    public String bucket() {
        return bucket;
    }

    private void ensureBucket() {
        try {
            ping();
        } catch (NoSuchBucketException e) {
            log.info("creating artifact bucket {}", bucket);
            s3.createBucket(b -> b.bucket(bucket));
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
            log.info("creating artifact bucket {}", bucket);
            s3.createBucket(b -> b.bucket(bucket));
        }
    }
}
