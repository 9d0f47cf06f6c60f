package io.rtml.local;

import io.rtml.deployer.DeployerApplication;
import io.rtml.embedded.s3.EmbeddedS3Server;
import io.rtml.registry.RegistryApiApplication;
import io.rtml.registry.access.TokenService;
import io.rtml.registry.target.TargetRepository;
import io.rtml.registry.target.TargetService;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The embedded default: the whole stack in one process on this machine, with nothing to install
 * but a JDK and PostgreSQL: the registry (API and gallery page), a deployer, a hub and two edge
 * scoring nodes, and an S3 server on a local folder. Data survives restarts.
 *
 * <p>Settings (environment): {@code RTML_HOME} data folder (default ./.rtml), {@code SERVER_PORT}
 * registry port (default 8080), {@code RTML_LOCAL_S3_PORT} (default 9000),
 * {@code RTML_LOCAL_DEPLOYER_PORT} (default 8081), {@code RTML_LOCAL_NODE_PORT} first of three node
 * ports (default 8090), {@code SPRING_DATASOURCE_URL}/{@code _USERNAME}/{@code _PASSWORD}.
 */
public final class RtmlLocal {

    private static final String BUCKET = "rtml-artifacts";

    private RtmlLocal() {}

    public static void main(String[] args) throws Exception {
        Path home = Path.of(envOr("RTML_HOME", ".rtml")).toAbsolutePath();
        LocalDatabase.Target db = LocalDatabase.find().orElse(null);
        if (db == null) {
            System.err.println("rtml-local: no PostgreSQL answers; set SPRING_DATASOURCE_URL, or start the local server: "
                    + "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start");
            System.exit(2);
        }
        String adminToken = LocalSecret.readOrCreate(home, "admin-token");
        String nodeToken = LocalSecret.readOrCreate(home, "node-token");
        EmbeddedS3Server s3 = EmbeddedS3Server.start(home.resolve("s3"), port("RTML_LOCAL_S3_PORT", 9000), BUCKET,
                "rtml-local", "rtml-local-secret");

        Map<String, Object> shared = shared(db, s3);
        ConfigurableApplicationContext registry = new SpringApplicationBuilder(RegistryApiApplication.class)
                .properties(shared)
                .properties(Map.of("rtml.security.bootstrap-admin-token", adminToken,
                        "rtml.registry.upload.spool-dir", home.resolve("spool").toString()))
                .run(args);
        List<LocalNodes.Node> layout = LocalNodes.layout(port("RTML_LOCAL_NODE_PORT", 8090));
        LocalNodes.register(layout, registry.getBean(TargetService.class), registry.getBean(TargetRepository.class));
        Map<String, String> registryTokens = new HashMap<>();
        for (LocalNodes.Node node : layout) {
            registryTokens.put(node.name(), LocalNodes.registryToken(node, home, registry.getBean(TokenService.class)));
        }
        LocalNodes nodes = new LocalNodes();
        // A node whose data folder was emptied loads its desired state from the registry by itself.
        nodes.start(layout, home, nodeToken, registryUrl(registry), registryTokens);
        ConfigurableApplicationContext deployer = DeployerApplication.application()
                .properties(shared)
                .properties(Map.of("rtml.deployer.default-node-token", nodeToken,
                        "server.port", port("RTML_LOCAL_DEPLOYER_PORT", 8081)))
                .run();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(deployer, nodes, registry, s3)));
        printWelcome(registry, layout, s3, db, home, adminToken);
    }

    private static Map<String, Object> shared(LocalDatabase.Target db, EmbeddedS3Server s3) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("spring.datasource.url", db.url());
        properties.put("spring.datasource.username", db.username());
        properties.put("spring.datasource.password", db.password());
        properties.put("rtml.s3.endpoint", s3.endpoint().toString());
        properties.put("rtml.s3.bucket", BUCKET);
        properties.put("rtml.s3.access-key", s3.accessKey());
        properties.put("rtml.s3.secret-key", s3.secretKey());
        return properties;
    }

    private static String registryUrl(ConfigurableApplicationContext registry) {
        return "http://127.0.0.1:" + registry.getEnvironment().getProperty("local.server.port");
    }

    private static void printWelcome(ConfigurableApplicationContext registry, List<LocalNodes.Node> layout,
            EmbeddedS3Server s3, LocalDatabase.Target db, Path home, String adminToken) {
        String api = registryUrl(registry);
        System.out.println();
        System.out.println("rtml is running (Ctrl-C stops it)");
        System.out.println("  gallery        " + api + "/");
        System.out.println("  registry API   " + api + "/api/v1/models");
        for (LocalNodes.Node node : layout) {
            System.out.printf("  %-14s %s/v2/models/{service}/infer  %s/v1/services/{service}/predict%n", node.name(),
                    node.baseUrl(), node.baseUrl());
        }
        System.out.println("  S3 (artifacts) " + s3.endpoint() + "/" + BUCKET + "  (data in " + home + ")");
        System.out.println("  database       " + db.url());
        System.out.println("  admin token    " + adminToken + "  (also in " + home.resolve("admin-token") + ")");
    }

    private static void stop(ConfigurableApplicationContext deployer, LocalNodes nodes,
            ConfigurableApplicationContext registry, EmbeddedS3Server s3) {
        deployer.close();
        nodes.close();
        registry.close();
        try {
            s3.close();
        } catch (Exception e) {
            System.err.println("rtml-local: S3 server did not stop cleanly: " + e.getMessage());
        }
    }

    private static int port(String variable, int fallback) {
        return Integer.parseInt(envOr(variable, String.valueOf(fallback)));
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
