package io.rtml.deployer.support;

import io.rtml.deployer.DeployerApplication;
import io.rtml.testing.TestDatabase;
import io.rtml.testing.TestS3;
import java.util.HashMap;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts real deployer applications (each its own Spring context, as a separate process would be)
 * against the test database, migrated once with the real Flyway scripts, and the test S3 server.
 */
public final class Deployers {

    /** The key node credentials are derived from, as the registry and every deployer share it. */
    public static final String NODE_CREDENTIAL_KEY = "deployer-test-node-credential-key-0123456789";

    private static boolean migrated;

    private Deployers() {}

    public static synchronized TestDatabase.Connection database() {
        TestDatabase.Connection db = TestDatabase.get();
        if (!migrated) {
            Flyway.configure().dataSource(db.jdbcUrl(), db.username(), db.password())
                    .locations("classpath:db/migration").load().migrate();
            migrated = true;
        }
        return db;
    }

    /** A deployer with fast test settings; {@code overrides} win. */
    public static ConfigurableApplicationContext start(String instanceId, Map<String, String> overrides) {
        return start(instanceId, overrides, context -> { });
    }

    /** As {@link #start(String, Map)}, with {@code initializer} applied to the context before it starts. */
    public static ConfigurableApplicationContext start(String instanceId, Map<String, String> overrides,
            ApplicationContextInitializer<ConfigurableApplicationContext> initializer) {
        TestDatabase.Connection db = database();
        var s3 = TestS3.server();
        Map<String, Object> props = new HashMap<>();
        props.put("spring.datasource.url", db.jdbcUrl());
        props.put("spring.datasource.username", db.username());
        props.put("spring.datasource.password", db.password());
        props.put("server.port", "0");
        props.put("rtml.s3.endpoint", s3.endpoint().toString());
        props.put("rtml.s3.bucket", TestS3.BUCKET);
        props.put("rtml.s3.access-key", s3.accessKey());
        props.put("rtml.s3.secret-key", s3.secretKey());
        props.put("rtml.s3.create-bucket", "true");
        props.put("rtml.deployer.instance-id", instanceId);
        props.put("rtml.deployer.default-node-token", TestNodes.TOKEN);
        props.put("rtml.node-credentials.key", NODE_CREDENTIAL_KEY);
        props.put("rtml.deployer.poll-interval", "20ms");
        props.put("rtml.deployer.lease", "2s");
        props.put("rtml.deployer.reconcile-interval", "0s");
        props.put("rtml.deployer.telemetry.interval", "0s");
        props.putAll(overrides);
        // As command-line arguments: they outrank application.yml (default properties would not).
        String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return DeployerApplication.application().initializers(initializer).run(args);
    }
}
