package io.rtml.local;

import io.rtml.deployer.DeployerApplication;
import io.rtml.embedded.s3.EmbeddedS3Server;
import io.rtml.registry.RegistryApiApplication;
import io.rtml.registry.target.NodeAuthenticator;
import io.rtml.registry.target.TargetRepository;
import io.rtml.registry.target.TargetService;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.env.MapPropertySource;

/**
 * The embedded default: the whole stack in one process on this machine, with nothing to install
 * but a JDK and PostgreSQL: the registry (API and gallery page), a deployer, a hub and two edge
 * scoring nodes, and an S3 server on a local folder. Data survives restarts.
 *
 * <p>Settings (environment): {@code RTML_HOME} data folder (default ./.rtml), {@code SERVER_PORT}
 * registry port (default 8080), {@code RTML_LOCAL_S3_PORT} (default 9000),
 * {@code RTML_LOCAL_DEPLOYER_PORT} (default 8081), {@code RTML_LOCAL_NODE_PORT} first of three node
 * ports (default 8090), {@code SPRING_DATASOURCE_URL}/{@code _USERNAME}/{@code _PASSWORD},
 * {@code RTML_LOCAL_POSTGRES_PORT} port of the embedded PostgreSQL used when no server answers
 * (default 15432).
 */
public final class RtmlLocal {

    private static final String BUCKET = "rtml-artifacts";
    private static final Deque<Map.Entry<String, AutoCloseable>> STARTED = new ArrayDeque<>();

    private RtmlLocal() {}

    public static void main(String[] args) {
        // The deployer runs in this JVM and does not go through its own main: on 2 CPUs or fewer
        // every answer from a node would start a thread without this (see the method).
        DeployerApplication.commonPoolOfTwoAtLeast();
        try {
            start(args);
        } catch (Exception e) {
            // Nodes and servers already started would keep the JVM alive: stop with the reason.
            System.err.println("rtml-local: could not start: " + rootCause(e));
            System.exit(1);
        }
    }

    private static String rootCause(Throwable e) {
        Throwable cause = NestedExceptionUtils.getMostSpecificCause(e);
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    private static void start(String[] args) throws Exception {
        Path home = Path.of(envOr("RTML_HOME", ".rtml")).toAbsolutePath();
        LocalDatabase.Target db;
        try {
            db = LocalDatabase.find(home);
        } catch (LocalDatabase.Unavailable e) {
            System.err.println("rtml-local: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(RtmlLocal::stopAll, "rtml-local-stop"));
        started("embedded PostgreSQL", db);
        LocalCredentials secrets = LocalCredentials.of(home);
        String adminToken = secrets.adminToken();
        // The control plane's node-credential key: each node's credential is derived from it.
        String nodeCredentialKey = secrets.nodeCredentialKey();
        EmbeddedS3Server s3 = started("S3 server", EmbeddedS3Server.start(home.resolve("s3"),
                port("RTML_LOCAL_S3_PORT", 9000), BUCKET, secrets.s3AccessKey(), secrets.s3SecretKey()));

        Map<String, Object> shared = shared(db, s3);
        shared.put("rtml.node-credentials.key", nodeCredentialKey);
        Map<String, Object> registrySettings = new HashMap<>(shared);
        registrySettings.put("rtml.security.bootstrap-admin-token", adminToken);
        registrySettings.put("rtml.registry.upload.spool-dir", home.resolve("spool").toString());
        // The embedded stack's nodes are on loopback; targets anywhere else are refused.
        registrySettings.put("rtml.targets.allowed-schemes", "http");
        registrySettings.put("rtml.targets.allowed-cidrs", "127.0.0.0/8,::1/128");
        ConfigurableApplicationContext registry = started("registry",
                new SpringApplicationBuilder(RegistryApiApplication.class).initializers(first(registrySettings)).run(args));
        List<LocalNodes.Node> layout = LocalNodes.layout(port("RTML_LOCAL_NODE_PORT", 8090));
        TargetService targets = registry.getBean(TargetService.class);
        LocalNodes.register(layout, home, targets, registry.getBean(TargetRepository.class));
        Map<String, String> credentials = new HashMap<>();
        for (LocalNodes.Node node : layout) {
            credentials.put(node.name(), LocalNodes.credential(node, home, targets,
                    registry.getBean(NodeAuthenticator.class)));
        }
        LocalNodes nodes = started("scoring nodes", new LocalNodes());
        // A node whose data folder was emptied loads its desired state from the registry by itself.
        nodes.start(layout, home, registryUrl(registry), credentials);
        Map<String, Object> deployerSettings = new HashMap<>(shared);
        // SERVER_PORT in the environment is the registry's port; the deployer has its own.
        deployerSettings.put("server.port", port("RTML_LOCAL_DEPLOYER_PORT", 8081));
        started("deployer", DeployerApplication.application().initializers(first(deployerSettings)).run());
        printWelcome(registry, layout, s3, db, home, secrets);
    }

    /**
     * The stack's own settings, ahead of the apps' application.yml and the environment: they say
     * where this stack's database and S3 server are, which a default in a file must not override.
     */
    private static ApplicationContextInitializer<ConfigurableApplicationContext> first(Map<String, Object> settings) {
        return context -> context.getEnvironment().getPropertySources()
                .addFirst(new MapPropertySource("rtml-local", settings));
    }

    private static <T extends AutoCloseable> T started(String name, T part) {
        synchronized (STARTED) {
            STARTED.push(Map.entry(name, part));
        }
        return part;
    }

    /** Stops what started, last first, on Ctrl-C and when starting failed half-way. */
    private static void stopAll() {
        synchronized (STARTED) {
            while (!STARTED.isEmpty()) {
                Map.Entry<String, AutoCloseable> part = STARTED.pop();
                try {
                    part.getValue().close();
                } catch (Exception e) {
                    System.err.println("rtml-local: " + part.getKey() + " did not stop cleanly: " + e.getMessage());
                }
            }
        }
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
            EmbeddedS3Server s3, LocalDatabase.Target db, Path home, LocalCredentials credentials) {
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
        System.out.println("  database       " + db.url() + "  (" + db.origin() + ")");
        System.out.println(credentials.adminTokenLine(home));
    }

    private static int port(String variable, int fallback) {
        return Integer.parseInt(envOr(variable, String.valueOf(fallback)));
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
