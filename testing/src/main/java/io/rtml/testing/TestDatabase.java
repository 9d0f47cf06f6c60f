package io.rtml.testing;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A PostgreSQL database created fresh for this test JVM and dropped when it exits.
 *
 * <p>Where it comes from, first match wins: the server named by {@code RTML_TEST_JDBC_URL}
 * (with {@code RTML_TEST_DB_USER}/{@code RTML_TEST_DB_PASSWORD}); a Testcontainers PostgreSQL when
 * a Docker engine answers; else the server on 127.0.0.1:5432 as user postgres.
 */
public final class TestDatabase {

    private static final Logger log = LoggerFactory.getLogger(TestDatabase.class);
    private static final Pattern DATABASE_IN_URL = Pattern.compile("^(jdbc:postgresql://[^/]+/)([^?]*)(.*)$");

    /** How to reach the database. */
    public record Connection(String jdbcUrl, String username, String password) {}

    private static Connection connection;

    private TestDatabase() {}

    public static synchronized Connection get() {
        if (connection == null) {
            connection = create();
        }
        return connection;
    }

    private static Connection create() {
        String url = System.getenv("RTML_TEST_JDBC_URL");
        String user = envOr("RTML_TEST_DB_USER", "postgres");
        String password = envOr("RTML_TEST_DB_PASSWORD", "");
        if (url == null || url.isBlank()) {
            if (DockerClientFactory.instance().isDockerAvailable()) {
                return startContainer();
            }
            url = "jdbc:postgresql://127.0.0.1:5432/postgres";
        }
        return createDatabaseOn(new Connection(url, user, password));
    }

    @SuppressWarnings("resource") // stopped by Testcontainers' reaper when the JVM exits
    private static Connection startContainer() {
        PostgreSQLContainer container = new PostgreSQLContainer("postgres:17-alpine");
        container.start();
        log.info("test database: Testcontainers {}", container.getJdbcUrl());
        return new Connection(container.getJdbcUrl(), container.getUsername(), container.getPassword());
    }

    private static Connection createDatabaseOn(Connection server) {
        String name = "rtml_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        execute(server, "CREATE DATABASE " + name);
        Connection fresh = new Connection(withDatabase(server.jdbcUrl(), name), server.username(), server.password());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> dropQuietly(server, name)));
        log.info("test database: {}", fresh.jdbcUrl());
        return fresh;
    }

    static String withDatabase(String jdbcUrl, String database) {
        Matcher m = DATABASE_IN_URL.matcher(jdbcUrl);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a jdbc:postgresql://host[:port]/db URL: " + jdbcUrl);
        }
        return m.group(1) + database + m.group(3);
    }

    private static void dropQuietly(Connection server, String name) {
        try {
            execute(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (RuntimeException e) {
            log.warn("could not drop test database {}: {}", name, e.getMessage());
        }
    }

    private static void execute(Connection server, String sql) {
        try (var c = DriverManager.getConnection(server.jdbcUrl(), server.username(), server.password());
                var s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + server.jdbcUrl() + " refused '" + sql + "': "
                    + e.getMessage() + " (start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start,"
                    + " or set RTML_TEST_JDBC_URL)", e);
        }
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }
}
