package io.rtml.cli;

import io.rtml.deployment.Claimant;
import io.rtml.deployment.DeploymentKind;
import io.rtml.deployment.DeploymentLedger;
import io.rtml.deployment.DeploymentOutcome;
import io.rtml.deployment.DeploymentStatus;
import io.rtml.deployment.TargetDeploymentStatus;
import io.rtml.deployment.TargetProgress;
import io.rtml.registry.RegistryApiApplication;
import io.rtml.testing.TestDatabase;
import io.rtml.testing.TestS3;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The real registry, started once per test JVM in-process on a free port against a fresh
 * PostgreSQL database and a real S3 server. Test classes share it and stay apart by unique names.
 */
final class RunningRegistry {

    static final String ADMIN_TOKEN = "cli-test-admin-" + UUID.randomUUID();

    private static String url;
    private static ConfigurableApplicationContext context;

    private RunningRegistry() {}

    static synchronized String url() {
        if (url == null) {
            url = start();
        }
        return url;
    }

    private static String start() {
        try {
            TestDatabase.Connection db = TestDatabase.get();
            var s3 = TestS3.server();
            context = new SpringApplicationBuilder(RegistryApiApplication.class).run(
                    "--server.port=0",
                    "--spring.main.banner-mode=off",
                    "--spring.datasource.url=" + db.jdbcUrl(),
                    "--spring.datasource.username=" + db.username(),
                    "--spring.datasource.password=" + db.password(),
                    "--rtml.s3.endpoint=" + s3.endpoint(),
                    "--rtml.s3.bucket=" + TestS3.BUCKET,
                    "--rtml.s3.access-key=" + s3.accessKey(),
                    "--rtml.s3.secret-key=" + s3.secretKey(),
                    "--rtml.registry.upload.spool-dir=" + Files.createTempDirectory("rtml-cli-test-spool"),
                    "--rtml.security.bootstrap-admin-token=" + ADMIN_TOKEN,
                    "--rtml.node-credentials.key=cli-test-node-credential-key-" + UUID.randomUUID(),
                    "--rtml.targets.allowed-schemes=http",
                    "--rtml.targets.allowed-cidrs=127.0.0.0/8");
            Runtime.getRuntime().addShutdownHook(new Thread(context::close));
            return "http://127.0.0.1:" + context.getEnvironment().getRequiredProperty("local.server.port");
        } catch (Exception e) {
            throw new IllegalStateException("could not start the registry", e);
        }
    }

    /** Registers a target directly through the API (the CLI only lists targets); returns its name. */
    static String createTarget(String name, String kind, String region, String baseUrl) {
        String body = "{\"name\":\"" + name + "\",\"kind\":\"" + kind + "\",\"region\":\"" + region + "\",\"baseUrl\":\""
                + baseUrl + "\"}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(url() + "/api/v1/targets"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                throw new IllegalStateException("target not created: " + response.statusCode() + " " + response.body());
            }
            return name;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Ends a deployment SUCCEEDED on all its targets with the deployment module's writer, as a
     * deployer would (no deployer runs in these tests), so that its version becomes the active one.
     */
    static void succeed(long deploymentId) {
        url();
        JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
        DeploymentLedger ledger = new DeploymentLedger(jdbc, new Claimant("cli-test", Duration.ofMinutes(10), 3));
        new TransactionTemplate(context.getBean(PlatformTransactionManager.class)).executeWithoutResult(status -> {
            ledger.claim(deploymentId).orElseThrow();
            List<DeploymentOutcome.Placement> targets = jdbc.query("select target_id, t.name, previous_version"
                    + " from deployment_target join target t on t.id = target_id where deployment_id = ?",
                    (rs, n) -> new DeploymentOutcome.Placement(rs.getLong(1), rs.getString(2), (Integer) rs.getObject(3)),
                    deploymentId);
            DeploymentOutcome deployment = jdbc.queryForObject("select d.service_id, s.name, d.version, d.requested_by"
                    + " from deployment d join service s on s.id = d.service_id where d.id = ?",
                    (rs, n) -> new DeploymentOutcome(deploymentId, rs.getLong(1), rs.getString(2), DeploymentKind.DEPLOY,
                            rs.getInt(3), rs.getString(4), false, targets), deploymentId);
            ledger.move(deploymentId, DeploymentStatus.STAGING, DeploymentStatus.ACTIVATING,
                    progress(targets, TargetDeploymentStatus.STAGED));
            ledger.finish(deployment, DeploymentStatus.ACTIVATING, DeploymentStatus.SUCCEEDED, null,
                    progress(targets, TargetDeploymentStatus.ACTIVE));
        });
    }

    private static List<TargetProgress> progress(List<DeploymentOutcome.Placement> targets,
            TargetDeploymentStatus status) {
        return targets.stream().map(t -> new TargetProgress(t.targetId(), status, null, null)).toList();
    }

    static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
