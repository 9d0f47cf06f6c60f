package io.rtml.testing;

import io.rtml.embedded.s3.EmbeddedS3Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** One real S3 server (s3proxy on a temporary folder) shared by all tests of a JVM. */
public final class TestS3 {

    public static final String BUCKET = "rtml-test";

    private static EmbeddedS3Server server;
    private static Path dataDir;

    private TestS3() {}

    public static synchronized EmbeddedS3Server server() {
        if (server == null) {
            try {
                dataDir = Files.createTempDirectory("rtml-test-s3");
                server = EmbeddedS3Server.start(dataDir, 0, BUCKET, "test-access-key", "test-secret-key");
            } catch (Exception e) {
                throw new IllegalStateException("could not start the test S3 server", e);
            }
        }
        return server;
    }

    /** The folder behind the bucket, for assertions on what is stored. */
    public static Path bucketDir() {
        server();
        return dataDir.resolve(BUCKET);
    }

    /**
     * Objects in the bucket, counted on the server's disk: s3proxy keeps the parts of incomplete
     * multipart uploads and its bookkeeping under names that begin with a dot, which are not objects.
     */
    public static long storedObjects() {
        Path bucket = bucketDir();
        try (Stream<Path> files = Files.walk(bucket)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !bucket.relativize(p).toString().startsWith(".") && !p.toString().contains("/."))
                    .count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
