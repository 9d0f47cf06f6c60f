package io.rtml.registry.artifact;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits, scratch space and S3 multipart settings for artifact uploads.
 *
 * @param maxSize largest artifact accepted, at most 5GB: an upload without a declared SHA-256 is stored
 *     with one S3 PUT; larger uploads get 413
 * @param spoolDir folder where uploads are spooled while they are hashed and inspected (default:
 *     the JVM's temp dir + /rtml-uploads); needs room for the uploads in flight
 * @param multipartDir folder where the servlet container keeps the parts of a multipart/form-data
 *     upload while it is received (default: {@code spoolDir}/multipart); swept at start like {@code spoolDir}
 * @param partSize size of the S3 parts an upload with a declared SHA-256 is sent in, as it arrives
 *     (at least 5MB, the S3 minimum for every part but the last)
 * @param partThreads S3 part requests in flight, all uploads together
 * @param partBuffers part-sized buffers, all uploads together: the heap the upload path holds is
 *     about {@code partBuffers} x {@code partSize}; an upload that finds none free is spooled whole and PUT after its checks
 * @param abandonedAfter age after which a multipart upload that was neither completed nor aborted
 *     (the registry died during an upload) is aborted by the bucket's lifecycle rule, rounded up to
 *     days, or by the registry's sweep where the store has no lifecycle rules; longer than
 *     {@code rtml.api.clients.upload-time-limit} plus an hour (checked where that limit is applied)
 * @param abandonedSweepInterval how often the registry looks for such uploads, where the store has
 *     no lifecycle rules
 */
@ConfigurationProperties("rtml.registry.upload")
public record UploadProperties(@DefaultValue("2GB") DataSize maxSize, Path spoolDir, Path multipartDir,
        @DefaultValue("8MB") DataSize partSize, @DefaultValue("4") int partThreads,
        @DefaultValue("8") int partBuffers, @DefaultValue("1d") Duration abandonedAfter,
        @DefaultValue("1h") Duration abandonedSweepInterval) {

    private static final DataSize LARGEST = DataSize.ofGigabytes(5);
    private static final DataSize SMALLEST_S3_PART = DataSize.ofMegabytes(5);

    public UploadProperties {
        if (maxSize.compareTo(LARGEST) > 0) {
            throw new IllegalArgumentException("rtml.registry.upload.max-size is " + maxSize
                    + "; it can be at most 5GB, the largest object one S3 PUT creates");
        }
        if (partSize.compareTo(SMALLEST_S3_PART) < 0 || partSize.toBytes() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("rtml.registry.upload.part-size is " + partSize
                    + "; it must be at least 5MB (the S3 minimum) and less than 2GB");
        }
        if (partThreads < 1 || partBuffers < 1) {
            throw new IllegalArgumentException("rtml.registry.upload.part-threads and part-buffers must be at least 1");
        }
        // Derived from the platform or from another setting, so not a constant @DefaultValue.
        spoolDir = spoolDir == null ? Path.of(System.getProperty("java.io.tmpdir"), "rtml-uploads") : spoolDir;
        multipartDir = multipartDir == null ? spoolDir.resolve("multipart") : multipartDir;
    }
}
