package io.rtml.bench;

import io.rtml.embedded.s3.EmbeddedS3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What one benchmark runs against: an S3 server (s3proxy on a folder) in the benchmark JVM, a fresh
 * PostgreSQL database, and the registry in a child JVM wired to both. Everything is undone by the
 * {@link Cleanup} it was started with.
 */
final class BenchStack {

    static final String BUCKET = "rtml-bench";
    private static final String S3_ACCESS_KEY = "bench-access-key";
    private static final String S3_SECRET_KEY = "bench-secret-key";

    final Path repo;
    final Path workDir;
    final Path s3DataDir;
    final EmbeddedS3Server s3;
    final FreshDatabase db;
    final RegistryProcess registry;
    final RegistryClient api;

    private BenchStack(Path repo, Path workDir, Path s3DataDir, EmbeddedS3Server s3, FreshDatabase db,
            RegistryProcess registry, RegistryClient api) {
        this.repo = repo;
        this.workDir = workDir;
        this.s3DataDir = s3DataDir;
        this.s3 = s3;
        this.db = db;
        this.registry = registry;
        this.api = api;
    }

    /** The repository root: {@code -Drtml.repo=DIR}, else the working directory. */
    static Path repo() {
        return Path.of(System.getProperty("rtml.repo", ".")).toAbsolutePath().normalize();
    }

    /** A temporary folder deleted, with everything in it, by the cleanup. */
    static Path workDir(String prefix, Cleanup cleanup) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        cleanup.add("delete " + dir, () -> Bench.deleteTree(dir));
        return dir;
    }

    static BenchStack start(Path repo, Path workDir, List<String> jvmArgs, List<String> extraAppArgs, Cleanup cleanup)
            throws Exception {
        RegistryProcess.execJar(repo); // fail before starting anything when the jar is missing
        Path s3DataDir = workDir.resolve("s3");
        EmbeddedS3Server s3 = EmbeddedS3Server.start(s3DataDir, 0, BUCKET, S3_ACCESS_KEY, S3_SECRET_KEY);
        cleanup.add("stop the S3 server", s3::close);
        FreshDatabase db = FreshDatabase.create(cleanup);

        byte[] random = new byte[24];
        ThreadLocalRandom.current().nextBytes(random);
        String token = "rtml-bench-" + HexFormat.of().formatHex(random);
        // For experiments only, e.g. -Drtml.bench.jdbc-options=prepareThreshold=0; the results in docs use none.
        String jdbcOptions = System.getProperty("rtml.bench.jdbc-options", "");
        List<String> appArgs = new ArrayList<>(List.of(
                "--spring.datasource.url=" + db.jdbcUrl() + (jdbcOptions.isBlank() ? "" : "?" + jdbcOptions),
                "--spring.datasource.username=" + db.user(),
                "--spring.datasource.password=" + db.password(),
                "--rtml.s3.endpoint=" + s3.endpoint(),
                "--rtml.s3.bucket=" + BUCKET,
                "--rtml.s3.access-key=" + s3.accessKey(),
                "--rtml.s3.secret-key=" + s3.secretKey(),
                "--rtml.registry.upload.max-size=2GB"));
        appArgs.addAll(extraAppArgs);
        RegistryProcess registry = RegistryProcess.start(repo, workDir, jvmArgs, appArgs, Map.of(), token, cleanup);
        RegistryClient api = new RegistryClient(registry.base(), token);
        // -Drtml.bench.registry-start-minutes=N for a machine so loaded that the registry starts slower.
        registry.awaitHealthy(api, Duration.ofMinutes(Long.getLong("rtml.bench.registry-start-minutes", 3)));
        System.out.println("registry up at " + registry.base() + " (pid " + registry.pid() + "), database " + db.name()
                + ", S3 " + s3.endpoint() + ", log " + registry.log());
        return new BenchStack(repo, workDir, s3DataDir, s3, db, registry, api);
    }

    /** The folder s3proxy keeps the bucket's objects in. */
    Path bucketDir() {
        return s3DataDir.resolve(BUCKET);
    }
}
