package io.rtml.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.deployment.DeploymentDriver;
import io.rtml.registry.apidocs.UndocumentedProblems;
import io.rtml.testing.TestDatabase;
import io.rtml.testing.TestS3;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Base of the end-to-end tests: the real application on a random port, against a fresh
 * PostgreSQL database and a real S3 server. All test classes share one application context;
 * they stay independent by using unique model names. Every test also fails when a handler answered
 * with a problem code its {@code @ProblemCodes} does not document ({@link UndocumentedProblems}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(UndocumentedProblems.class)
public abstract class RegistryApiTest {

    /** Upload limit in tests: small enough to exceed cheaply, larger than every reference model. */
    protected static final long MAX_UPLOAD = 8L * 1024 * 1024;

    /** The admin token every test starts from; others are created through the API. */
    protected static final String ADMIN_TOKEN = "test-admin-token-" + UUID.randomUUID();

    /** The key node credentials are derived from in tests. */
    protected static final String NODE_CREDENTIAL_KEY = "test-node-credential-key-" + UUID.randomUUID();

    /** Where uploads are spooled in tests, to check that nothing is left behind. */
    protected static final Path SPOOL_DIR = createTempDir("rtml-test-spool");

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcTemplate jdbc;

    @Autowired
    private PlatformTransactionManager transactions;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestDatabase.Connection db = TestDatabase.get();
        registry.add("spring.datasource.url", db::jdbcUrl);
        registry.add("spring.datasource.username", db::username);
        registry.add("spring.datasource.password", db::password);
        // The test framework keeps a context per configuration alive for the whole run, and the
        // PostgreSQL is shared with other builds: a cached context keeps one idle connection, not ten.
        registry.add("spring.datasource.hikari.minimum-idle", () -> "1");
        registry.add("spring.datasource.hikari.idle-timeout", () -> "10000");
        var s3 = TestS3.server();
        registry.add("rtml.s3.endpoint", () -> s3.endpoint().toString());
        registry.add("rtml.s3.bucket", () -> TestS3.BUCKET);
        registry.add("rtml.s3.access-key", s3::accessKey);
        registry.add("rtml.s3.secret-key", s3::secretKey);
        registry.add("rtml.registry.upload.max-size", () -> MAX_UPLOAD + "B");
        registry.add("rtml.registry.upload.spool-dir", SPOOL_DIR::toString);
        registry.add("rtml.security.bootstrap-admin-token", () -> ADMIN_TOKEN);
        registry.add("rtml.node-credentials.key", () -> NODE_CREDENTIAL_KEY);
        // Targets in tests are loopback ports; everything else stays refused, as in production.
        registry.add("rtml.targets.allowed-schemes", () -> "http,https");
        registry.add("rtml.targets.allowed-cidrs", () -> "127.0.0.0/8,::1/128");
        // Webhook deliveries are driven by the tests that start registries of their own (WebhookDeliveryTest):
        // this shared one must not deliver, or restart tests would pass without the restarted registry.
        registry.add("rtml.registry.webhooks.poll-interval", () -> "1h");
        // The S3 minimum: uploads of a few MiB go to S3 in several parts.
        registry.add("rtml.registry.upload.part-size", () -> "5MB");
    }

    @AfterEach
    void everyProblemAnsweredIsDocumented() {
        assertThat(UndocumentedProblems.drain()).as("problem codes missing from @ProblemCodes").isEmpty();
    }

    /** A client that authenticates as the bootstrap admin. */
    protected ApiClient api() {
        return anonymous().withHeader("Authorization", "Bearer " + ADMIN_TOKEN);
    }

    protected ApiClient api(String token) {
        return anonymous().withHeader("Authorization", "Bearer " + token);
    }

    protected ApiClient anonymous() {
        return new ApiClient("http://127.0.0.1:" + port);
    }

    private static Path createTempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected long versionRows() {
        return jdbc.queryForObject("select count(*) from model_version", Long.class);
    }

    /** Objects in the bucket, counted on the S3 server's disk. */
    protected long storedObjects() {
        return TestS3.storedObjects();
    }

    /** Drives deployments with the deployment module's writer, as a deployer would. */
    protected DeploymentDriver deployer() {
        return new DeploymentDriver(jdbc, transactions);
    }

    /** Ends the deployment SUCCEEDED on all its targets, written as a deployer writes it. */
    protected void finish(long deploymentId) {
        deployer().succeed(deploymentId);
    }
}
