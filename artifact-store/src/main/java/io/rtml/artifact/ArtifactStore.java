package io.rtml.artifact;

import java.io.ByteArrayInputStream;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
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

    /**
     * Where every key the registry writes begins: its multipart uploads are listed and expired under
     * it only, so a bucket shared with other applications keeps their uploads.
     */
    public static final String PREFIX = "artifacts/";

    public static String keyFor(String sha256) {
        return PREFIX + "sha256/" + sha256.substring(0, 2) + "/" + sha256;
    }

    /** Stores the file, whose SHA-256 is {@code sha256}, under its content key unless identical bytes are already there. */
    public String store(Path file, String sha256) {
        String key = keyFor(sha256);
        if (!exists(key)) {
            put(key, sha256, RequestBody.fromFile(file));
        }
        return key;
    }

    /** One PUT of {@code content}, whose SHA-256 is {@code sha256}; S3 creates the object only if it completes. */
    public void put(String key, String sha256, RequestBody content) {
        s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/octet-stream")
                .metadata(Map.of("sha256", sha256)), content);
    }

    /**
     * Starts a multipart upload of {@code key}, whose SHA-256 is {@code sha256}; returns its upload id.
     * No object exists until {@link #completeMultipart}.
     */
    public String startMultipart(String key, String sha256) {
        return s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType("application/octet-stream")
                .metadata(Map.of("sha256", sha256))).uploadId();
    }

    /** Sends part {@code number} (from 1) of a multipart upload: {@code bytes[0, length)}; returns its ETag. */
    public String putPart(String key, String uploadId, int number, byte[] bytes, int length) {
        return s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number)
                .contentLength((long) length), body(bytes, length)).eTag();
    }

    /** {@code bytes[0, length)} as a request body read from the caller's array, not copied (fromByteBuffer copies); replayable for the SDK's retries. */
    public static RequestBody body(byte[] bytes, int length) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, length), length,
                "application/octet-stream");
    }

    /** A part sent by {@link #putPart}. */
    public record Part(int number, String eTag) {}

    /** Creates the object from {@code parts}, in the order of their numbers. */
    public void completeMultipart(String key, String uploadId, List<Part> parts) {
        List<CompletedPart> completed = parts.stream()
                .sorted(Comparator.comparingInt(Part::number))
                .map(p -> CompletedPart.builder().partNumber(p.number()).eTag(p.eTag()).build())
                .toList();
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(completed)));
    }

    /** Drops a multipart upload and the parts it holds; no object comes of it. */
    public void abortMultipart(String key, String uploadId) {
        s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
    }

    /** A multipart upload that was started and neither completed nor aborted. */
    public record PendingMultipart(String key, String uploadId, Instant initiated) {}

    /** The multipart uploads under {@link #PREFIX} that were started and neither completed nor aborted. */
    public List<PendingMultipart> pendingMultiparts() {
        return s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(PREFIX)).uploads().stream()
                .map(u -> new PendingMultipart(u.key(), u.uploadId(), u.initiated()))
                .toList();
    }

    /**
     * Asks the bucket to abort multipart uploads under {@link #PREFIX} {@code days} after they began (a lifecycle rule
     * {@value #LIFECYCLE_RULE}), keeping the bucket's other rules. False when the store does not
     * support lifecycle rules (s3proxy answers 501 Not Implemented) or not this one (MinIO answers 400).
     */
    public boolean expireIncompleteMultiparts(int days) {
        List<LifecycleRule> rules;
        try {
            rules = new ArrayList<>(s3.getBucketLifecycleConfiguration(b -> b.bucket(bucket)).rules());
        } catch (S3Exception e) {
            if (unsupported(e)) {
                return false;
            }
            if (e.statusCode() != 404) { // NoSuchLifecycleConfiguration: the bucket has no rules yet
                throw e;
            }
            rules = new ArrayList<>();
        }
        rules.removeIf(r -> LIFECYCLE_RULE.equals(r.id()));
        rules.add(LifecycleRule.builder().id(LIFECYCLE_RULE).status(ExpirationStatus.ENABLED)
                .filter(f -> f.prefix(PREFIX))
                .abortIncompleteMultipartUpload(a -> a.daysAfterInitiation(days))
                .build());
        try {
            List<LifecycleRule> updated = List.copyOf(rules);
            s3.putBucketLifecycleConfiguration(b -> b.bucket(bucket).lifecycleConfiguration(c -> c.rules(updated)));
            return true;
        } catch (S3Exception e) {
            // MinIO refuses an AbortIncompleteMultipartUpload rule with 400 (it purges stale uploads itself).
            if (unsupported(e) || e.statusCode() == 400) {
                return false;
            }
            throw e;
        }
    }

    /** The id of the bucket lifecycle rule that aborts incomplete multipart uploads. */
    public static final String LIFECYCLE_RULE = "rtml-abort-incomplete-multipart-uploads";

    private static boolean unsupported(S3Exception e) {
        return e.statusCode() == 501 || e.statusCode() == 405;
    }

    public void delete(String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    public boolean exists(String key) {
        try {
            s3.headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
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
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
            log.info("creating artifact bucket {}", bucket);
            s3.createBucket(b -> b.bucket(bucket));
        }
    }
}
