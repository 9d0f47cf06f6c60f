package io.rtml.local;

import io.rtml.embedded.s3.EmbeddedS3Server;
import io.rtml.registry.RegistryApiApplication;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The embedded default: starts the whole stack on this machine with nothing to install but a JDK
 * and PostgreSQL. Artifacts live in an S3 server on a local folder; data survives restarts.
 *
 * <p>Settings (environment): {@code RTML_HOME} data folder (default ./.rtml),
 * {@code RTML_LOCAL_S3_PORT} (default 9000), {@code SERVER_PORT} registry port (default 8080),
 * {@code SPRING_DATASOURCE_URL}/{@code _USERNAME}/{@code _PASSWORD} to use another database.
 */
public final class RtmlLocal {

    private static final String BUCKET = "rtml-artifacts";
    private static final String S3_ACCESS_KEY = "rtml-local";
    private static final String S3_SECRET_KEY = "rtml-local-secret";

    private RtmlLocal() {}

    public static void main(String[] args) throws Exception {
        Path home = Path.of(envOr("RTML_HOME", ".rtml")).toAbsolutePath();
        LocalDatabase.Target db = LocalDatabase.find().orElse(null);
        if (db == null) {
            System.err.println("rtml-local: no PostgreSQL answers; set SPRING_DATASOURCE_URL, or start the local server: "
                    + "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start");
            System.exit(2);
        }
        String adminToken = LocalAdminToken.readOrCreate(home);
        int s3Port = Integer.parseInt(envOr("RTML_LOCAL_S3_PORT", "9000"));
        EmbeddedS3Server s3 = EmbeddedS3Server.start(home.resolve("s3"), s3Port, BUCKET, S3_ACCESS_KEY, S3_SECRET_KEY);

        ConfigurableApplicationContext registry = new SpringApplicationBuilder(RegistryApiApplication.class)
                .properties(registryProperties(db, s3, home, adminToken))
                .run(args);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(registry, s3)));

        String api = "http://127.0.0.1:" + registry.getEnvironment().getProperty("local.server.port");
        System.out.println();
        System.out.println("rtml is running (Ctrl-C stops it)");
        System.out.println("  registry API   " + api + "/api/v1/models");
        System.out.println("  health         " + api + "/actuator/health");
        System.out.println("  S3 (artifacts) " + s3.endpoint() + "/" + BUCKET + "  (data in " + home + ")");
        System.out.println("  database       " + db.url());
        System.out.println("  admin token    " + adminToken + "  (also in " + home.resolve("admin-token") + ")");
    }

    private static Map<String, Object> registryProperties(LocalDatabase.Target db, EmbeddedS3Server s3, Path home,
            String adminToken) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("rtml.security.bootstrap-admin-token", adminToken);
        properties.put("spring.datasource.url", db.url());
        properties.put("spring.datasource.username", db.username());
        properties.put("spring.datasource.password", db.password());
        properties.put("rtml.s3.endpoint", s3.endpoint().toString());
        properties.put("rtml.s3.bucket", BUCKET);
        properties.put("rtml.s3.access-key", s3.accessKey());
        properties.put("rtml.s3.secret-key", s3.secretKey());
        properties.put("rtml.registry.upload.spool-dir", home.resolve("spool").toString());
        return properties;
    }

    private static void stop(ConfigurableApplicationContext registry, EmbeddedS3Server s3) {
        registry.close();
        try {
            s3.close();
        } catch (Exception e) {
            System.err.println("rtml-local: S3 server did not stop cleanly: " + e.getMessage());
        }
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
