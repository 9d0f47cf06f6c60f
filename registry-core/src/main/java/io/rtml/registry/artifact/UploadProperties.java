package io.rtml.registry.artifact;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.util.unit.DataSize;

/**
 * Limits and scratch space for artifact uploads.
 *
 * @param maxSize largest artifact accepted (default 2GB, at most 5GB: the largest object one S3 PUT
 *     or copy creates); larger uploads get 413
 * @param spoolDir folder where uploads are spooled while they are hashed and inspected
 *     (default: the JVM's temp dir + /rtml-uploads); needs room for the uploads in flight
 * @param stagingRetention how long an upload stored under a staging key stays in S3 after its
 *     version moved to the content key (default 30m); longer than {@code rtml.s3.presign-ttl}, so
 *     a URL handed out before the move still works
 * @param stagingSweepInterval how often the registry moves staged uploads that a restart
 *     interrupted and deletes the staging objects nothing needs any more (default 10m)
 * @param multipartDir folder where the servlet container keeps the parts of a multipart upload while
 *     it is received (default: {@code spoolDir}/multipart); swept at start like {@code spoolDir}
 */
@ConfigurationProperties("rtml.registry.upload")
public record UploadProperties(DataSize maxSize, Path spoolDir, Duration stagingRetention, Duration stagingSweepInterval,
        Path multipartDir) {

    private static final DataSize LARGEST_S3_PUT = DataSize.ofGigabytes(5);

    @ConstructorBinding
    public UploadProperties {
        maxSize = maxSize == null ? DataSize.ofGigabytes(2) : maxSize;
        if (maxSize.compareTo(LARGEST_S3_PUT) > 0) {
            throw new IllegalArgumentException("rtml.registry.upload.max-size is " + maxSize
                    + "; it can be at most 5GB, the largest object one S3 PUT creates");
        }
        spoolDir = spoolDir == null ? Path.of(System.getProperty("java.io.tmpdir"), "rtml-uploads") : spoolDir;
        stagingRetention = stagingRetention == null ? Duration.ofMinutes(30) : stagingRetention;
        stagingSweepInterval = stagingSweepInterval == null ? Duration.ofMinutes(10) : stagingSweepInterval;
        multipartDir = multipartDir == null ? spoolDir.resolve("multipart") : multipartDir;
    }

    public UploadProperties(DataSize maxSize, Path spoolDir) {
        this(maxSize, spoolDir, null, null, null);
    }
}
