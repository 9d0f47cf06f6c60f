package io.rtml.artifact;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where artifacts are stored: any S3-compatible service (AWS S3, MinIO, s3proxy).
 *
 * @param endpoint S3 API URL; empty means AWS S3 for the region
 * @param region signing region (default us-east-1; MinIO and s3proxy accept any)
 * @param bucket bucket holding the artifacts (default rtml-artifacts)
 * @param accessKey static access key; empty means the AWS default credential chain
 * @param secretKey static secret key
 * @param pathStyle address buckets as endpoint/bucket (default true; MinIO and s3proxy need it)
 * @param createBucket create the bucket on start when it is missing (default true)
 * @param presignTtl how long a presigned artifact URL handed to a scoring node stays valid
 *     (default 5m)
 */
@ConfigurationProperties("rtml.s3")
public record S3Properties(URI endpoint, @DefaultValue(DEFAULT_REGION) String region,
        @DefaultValue(DEFAULT_BUCKET) String bucket, String accessKey, String secretKey,
        @DefaultValue("true") boolean pathStyle, @DefaultValue("true") boolean createBucket,
        @DefaultValue("5m") Duration presignTtl) {

    private static final String DEFAULT_REGION = "us-east-1";
    private static final String DEFAULT_BUCKET = "rtml-artifacts";

    /** A blank {@code RTML_S3_REGION} or {@code RTML_S3_BUCKET} (as a compose file passes an unset variable) means the default. */
    public S3Properties {
        region = region == null || region.isBlank() ? DEFAULT_REGION : region;
        bucket = bucket == null || bucket.isBlank() ? DEFAULT_BUCKET : bucket;
    }
}
