package io.rtml.registry.artifact;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Limits and scratch space for artifact uploads.
 *
 * @param maxSize largest artifact accepted (default 2GB); larger uploads get 413
 * @param spoolDir folder where uploads are spooled while they are hashed and inspected
 *     (default: the JVM's temp dir + /rtml-uploads); needs room for the uploads in flight
 */
@ConfigurationProperties("rtml.registry.upload")
public record UploadProperties(DataSize maxSize, Path spoolDir) {

    public UploadProperties {
        maxSize = maxSize == null ? DataSize.ofGigabytes(2) : maxSize;
        spoolDir = spoolDir == null ? Path.of(System.getProperty("java.io.tmpdir"), "rtml-uploads") : spoolDir;
    }
}
