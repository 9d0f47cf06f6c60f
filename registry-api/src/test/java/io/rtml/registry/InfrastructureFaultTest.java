package io.rtml.registry;

import static io.rtml.registry.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import io.rtml.testing.TestS3;
import io.rtml.testing.ThrowawayPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the registry does when what it stands on fails: its database stops, its spool disk fills up,
 * it crashed in the middle of uploads. A registry of its own, on a PostgreSQL of its own that the
 * test stops and starts (never the shared one), with its spool folder on a small tmpfs.
 */
@ExtendWith(OutputCaptureExtension.class)
class InfrastructureFaultTest {

    private static final String ADMIN_TOKEN = "fault-admin-" + UUID.randomUUID();
    private static final ReferenceModel IRIS = ReferenceModels.bundled("sklearn_rf_iris_zipmap");
    /**
     * Hikari's default 30 s wait for a connection is what "promptly" rules out. The bound is the
     * configured connection timeout plus a wide margin for a loaded machine: how fast the 503 comes
     * is the benchmarks' business, not this test's.
     */
    private static Duration promptly;

    private static ThrowawayPostgres postgres;
    private static Path spool;
    private static boolean tmpfs;
    private static Path leftSpoolFile;
    private static Path leftMultipartFile;
    private static ConfigurableApplicationContext registry;
    private static String base;
    private static ApiClient api;
    private static JdbcTemplate jdbc;

    @BeforeAll
    static void start() throws Exception {
        assumeThat(ThrowawayPostgres.available()).as("PostgreSQL binaries under /usr/lib/postgresql").isTrue();
        postgres = ThrowawayPostgres.start();
        spool = Files.createTempDirectory("rtml-fault-spool");
        tmpfs = run("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", spool.toString());
        // what a crash in the middle of two uploads leaves behind
        Files.createDirectories(spool.resolve("multipart"));
        leftSpoolFile = leftover(spool.resolve("upload-4711.onnx"));
        leftMultipartFile = leftover(spool.resolve("multipart").resolve("upload_0815_00000001.tmp"));
        var s3 = TestS3.server();
        registry = new SpringApplicationBuilder(RegistryApiApplication.class).run(
                "--server.port=0", "--spring.datasource.url=" + postgres.jdbcUrl(), "--spring.datasource.username=postgres",
                "--spring.datasource.password=", "--rtml.s3.endpoint=" + s3.endpoint(), "--rtml.s3.bucket=" + TestS3.BUCKET,
                "--rtml.s3.access-key=" + s3.accessKey(), "--rtml.s3.secret-key=" + s3.secretKey(),
                "--rtml.registry.upload.max-size=8MB", "--rtml.registry.upload.spool-dir=" + spool,
"--rtml.security.bootstrap-admin-token=" + ADMIN_TOKEN);
        base = "http://127.0.0.1:" + registry.getEnvironment().getProperty("local.server.port");
        api = new ApiClient(base).withHeader("Authorization", "Bearer " + ADMIN_TOKEN);
        jdbc = registry.getBean(JdbcTemplate.class);
        long connectionTimeoutMs = registry.getEnvironment()
                .getRequiredProperty("spring.datasource.hikari.connection-timeout", Long.class);
        promptly = Duration.ofMillis(2 * connectionTimeoutMs).plusSeconds(6);
        assertThat(promptly).as("still proves the 503 does not wait out Hikari's default").isLessThan(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() throws IOException {
        if (registry != null) {
            registry.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (tmpfs) {
            run("umount", spool.toString());
        }
    }

    @Test
    void filesACrashLeftInTheSpoolAndMultipartFoldersAreDeletedAtStart() {
        assertThat(leftSpoolFile).doesNotExist();
        assertThat(leftMultipartFile).doesNotExist();
        assertThat(spool.resolve("multipart")).isDirectory();
    }

    @Test
    void aFullSpoolDiskIsAnswered507AndLoggedAtErrorAndNothingIsKept(CapturedOutput output) throws IOException {
        assumeThat(tmpfs).as("a tmpfs could be mounted (needs root)").isTrue();
        String model = "full-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(api.postJson("/api/v1/models", Map.of("name", model)).status()).isEqualTo(201);
        long rows = versionRows();
        long objects = storedObjects();
        Path filler = spool.resolve("filler");
        fill(filler);
        try {
            assertProblem(api.uploadRaw("/api/v1/models/" + model + "/versions", IRIS.readBytes()), 507,
                    "INSUFFICIENT_STORAGE");
            assertProblem(api.uploadMultipart("/api/v1/models/" + model + "/versions", new byte[2 * 1024 * 1024], null),
                    507, "INSUFFICIENT_STORAGE");
            assertThat(output.getOut()).containsPattern("ERROR .*(No space left|no disk space left)");
            assertThat(versionRows()).isEqualTo(rows);
            assertThat(storedObjects()).isEqualTo(objects);
        } finally {
            Files.delete(filler);
        }
        try (Stream<Path> left = Files.list(spool)) {
            assertThat(left.filter(Files::isRegularFile)).isEmpty();
        }
        assertThat(api.uploadRaw("/api/v1/models/" + model + "/versions", IRIS.readBytes()).status()).isEqualTo(201);
    }

    @Test
    void withTheDatabaseDownEveryCallIsAnswered503WithinSecondsAndTheRegistryRecovers() {
        long rows = versionRows();
        ApiClient anonymous = new ApiClient(base);
        postgres.stop();
        try {
            assertPromptly(() -> api.get("/api/v1/models"), 503, "DATABASE_UNAVAILABLE");
            assertPromptly(() -> api.postJson("/api/v1/models", Map.of("name", "while-down")), 503, "DATABASE_UNAVAILABLE");
            assertPromptly(() -> anonymous.get("/api/v1/models"), 503, "DATABASE_UNAVAILABLE");
            assertPromptly(() -> anonymous.withHeader("Authorization", "Bearer not-a-token").get("/api/v1/models"), 503,
                    "DATABASE_UNAVAILABLE");
            long start = System.nanoTime();
            var health = anonymous.get("/actuator/health");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(promptly);
            assertThat(health.status()).isEqualTo(503);
            // Anonymous: the status only (details need a token, which cannot be checked without the database).
            assertThat(health.json().path("status").asString()).isEqualTo("DOWN");
        } finally {
            postgres.resume();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/v1/models").status() == 200);
        assertThat(anonymous.get("/actuator/health").status()).isEqualTo(200);
        assertThat(versionRows()).isEqualTo(rows);
    }

    private static void assertPromptly(Supplier<ApiClient.Response> call, int status, String code) {
        long start = System.nanoTime();
        ApiClient.Response response = call.get();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("answered within the connection timeout").isLessThan(promptly);
        assertProblem(response, status, code);
        assertThat(response.header("Retry-After")).isNotBlank();
    }

    private static long versionRows() {
        return jdbc.queryForObject("select count(*) from model_version", Long.class);
    }

    private static long storedObjects() {
        return TestS3.storedObjects();
    }

    /** Writes to {@code file} until the file system has no room left. */
    private static void fill(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] block = new byte[64 * 1024];
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            assertThat(full.getMessage()).contains("No space left");
        }
    }

    private static Path leftover(Path file) throws IOException {
        Files.write(file, new byte[100_000]);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        return file;
    }

    private static boolean run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
