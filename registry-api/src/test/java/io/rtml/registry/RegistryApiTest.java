package io.rtml.registry;

import io.rtml.testing.TestDatabase;
import io.rtml.testing.TestS3;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the end-to-end tests: the real application on a random port, against a fresh
 * PostgreSQL database and a real S3 server. All test classes share one application context;
 * they stay independent by using unique model names.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
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

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestDatabase.Connection db = TestDatabase.get();
        registry.add("spring.datasource.url", db::jdbcUrl);
        registry.add("spring.datasource.username", db::username);
        registry.add("spring.datasource.password", db::password);
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
        // The S3 minimum: uploads of a few MiB go to S3 in several parts.
        registry.add("rtml.registry.upload.part-size", () -> "5MB");
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

    /**
     * Writes what the deployer writes (DeploymentRecorder) when a deployment succeeds on all its
     * targets, for API tests that need a finished deployment without running a deployer.
     */
    protected void finish(long deploymentId) {
        jdbc.update("update deployment set status = 'SUCCEEDED', started_at = now(), finished_at = now() where id = ?",
                deploymentId);
        jdbc.update("update deployment_target set status = 'ACTIVE', activated_at = now() where deployment_id = ?",
                deploymentId);
        jdbc.update("""
                insert into service_target (service_id, target_id, desired_version, active_version, deployed_at, deployed_by)
                select d.service_id, dt.target_id, d.version, d.version, now(), d.requested_by
                from deployment d join deployment_target dt on dt.deployment_id = d.id where d.id = ?
                on conflict (service_id, target_id) do update set previous_version = case
                    when service_target.desired_version is null then null
                    when service_target.active_version is distinct from excluded.active_version
                    then service_target.active_version else service_target.previous_version end,
                    active_version = excluded.active_version, desired_version = excluded.desired_version,
                    deployed_at = excluded.deployed_at, deployed_by = excluded.deployed_by""", deploymentId);
    }
}
