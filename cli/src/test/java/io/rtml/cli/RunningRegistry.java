package io.rtml.cli;

import io.rtml.deployment.DeploymentDriver;
import io.rtml.registry.RegistryApiApplication;
import io.rtml.testing.TestDatabase;
import io.rtml.testing.TestS3;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

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
        new DeploymentDriver(context.getBean(JdbcTemplate.class), context.getBean(PlatformTransactionManager.class))
                .succeed(deploymentId);
    }

    /**
     * As {@link #succeed}, and in the same transaction whatever else a deployer would have written
     * by then ({@code alsoWritten}: wave times, a target left PENDING), so a command that polls sees
     * it all at once.
     */
    static void succeed(long deploymentId, java.util.function.Consumer<JdbcTemplate> alsoWritten) {
        url();
        JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
        PlatformTransactionManager transactions = context.getBean(PlatformTransactionManager.class);
        new org.springframework.transaction.support.TransactionTemplate(transactions).executeWithoutResult(status -> {
            new DeploymentDriver(jdbc, transactions).succeed(deploymentId);
            alsoWritten.accept(jdbc);
        });
    }

    static JdbcTemplate jdbc() {
        url();
        return context.getBean(JdbcTemplate.class);
    }

    static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
