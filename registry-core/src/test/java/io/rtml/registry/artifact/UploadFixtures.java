package io.rtml.registry.artifact;

import io.rtml.artifact.ArtifactStore;
import io.rtml.artifact.ArtifactStoreConfiguration;
import io.rtml.artifact.S3Properties;
import io.rtml.testing.TestS3;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import software.amazon.awssdk.services.s3.S3Client;

/** The upload path's parts built as the registry builds them, with the bound defaults unless a test sets a property. */
final class UploadFixtures {

    private UploadFixtures() {}

    /** {@code rtml.registry.upload.*} bound from {@code settings} (names without the prefix) over the defaults. */
    static UploadProperties upload(Path spoolDir, String... settings) {
        Map<String, String> values = new HashMap<>();
        values.put("rtml.registry.upload.spool-dir", spoolDir.toString());
        for (int i = 0; i < settings.length; i += 2) {
            values.put("rtml.registry.upload." + settings[i], settings[i + 1]);
        }
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("rtml.registry.upload", UploadProperties.class);
    }

    static S3Properties s3(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("rtml.s3", S3Properties.class);
    }

    /** The properties of the test S3 server. */
    static S3Properties testS3() {
        var server = TestS3.server();
        return s3(Map.of("rtml.s3.endpoint", server.endpoint().toString(), "rtml.s3.bucket", TestS3.BUCKET,
                "rtml.s3.access-key", server.accessKey(), "rtml.s3.secret-key", server.secretKey()));
    }

    static S3Client client(S3Properties properties) {
        return new ArtifactStoreConfiguration().s3Client(properties);
    }

    static ArtifactStore store(S3Properties properties) {
        ArtifactStoreConfiguration configuration = new ArtifactStoreConfiguration();
        return new ArtifactStore(configuration.s3Client(properties), configuration.s3Presigner(properties), properties);
    }

    static Executor threads() {
        return Executors.newCachedThreadPool(UploadFixtures::daemon);
    }

    private static Thread daemon(Runnable task) {
        Thread thread = new Thread(task);
        thread.setDaemon(true);
        return thread;
    }

    static ArtifactSpool spool(UploadProperties properties) {
        return new ArtifactSpool(properties, threads());
    }
}
