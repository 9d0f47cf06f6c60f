package io.rtml.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Finds the PostgreSQL database for the embedded stack, first match wins: the JDBC URL from the
 * environment; the server on 127.0.0.1:5432, where the {@code rtml} database is created when it
 * is missing; an embedded PostgreSQL with its data in {@code RTML_HOME/postgres}, when not running
 * as root (PostgreSQL refuses to). Otherwise it says in one line what to do.
 */
final class LocalDatabase {

    /** The database to use; {@code server} is the embedded PostgreSQL to stop at the end, if one was started. */
    record Target(String url, String username, String password, String origin, EmbeddedPostgres server)
            implements AutoCloseable {

        @Override
        public void close() throws IOException {
            if (server != null) {
                server.close();
            }
        }
    }

    /** No database can be had; the message is the one line to show. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    private static final String LOCAL_SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final String DATABASE = "rtml";
    private static final String START_LOCAL_SERVER =
            "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start";

    private LocalDatabase() {}

    static Target find(Path home) throws Unavailable {
        String url = System.getenv("SPRING_DATASOURCE_URL");
        String user = envOr("SPRING_DATASOURCE_USERNAME", "postgres");
        String password = envOr("SPRING_DATASOURCE_PASSWORD", "");
        if (url != null && !url.isBlank()) {
            if (!answers(url, user, password)) {
                throw new Unavailable("no PostgreSQL answers at SPRING_DATASOURCE_URL=" + url);
            }
            return new Target(url, user, password, "SPRING_DATASOURCE_URL", null);
        }
        if (answers(LOCAL_SERVER + "postgres", user, password)) {
            createIfMissing(LOCAL_SERVER, user, password);
            return new Target(LOCAL_SERVER + DATABASE, user, password, "local server", null);
        }
        if (isRoot()) {
            throw new Unavailable("no PostgreSQL answers on 127.0.0.1:5432, and the embedded one cannot run as root; "
                    + "start the local server (" + START_LOCAL_SERVER + ") or set SPRING_DATASOURCE_URL");
        }
        return startEmbedded(home.resolve("postgres"), port());
    }

    private static Target startEmbedded(Path dataDirectory, int port) throws Unavailable {
        try {
            EmbeddedPostgres server = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPort(port)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // TCP only: a socket in the shared /tmp would collide with another stack's.
                    .setServerConfig("unix_socket_directories", "")
                    // The library tunes for throwaway test databases; this one keeps the user's data.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            String serverUrl = "jdbc:postgresql://127.0.0.1:" + port + "/";
            createIfMissing(serverUrl, "postgres", "");
            return new Target(serverUrl + DATABASE, "postgres", "", "embedded, data in " + dataDirectory, server);
        } catch (IOException | RuntimeException e) {
            throw new Unavailable("no PostgreSQL answers on 127.0.0.1:5432 and the embedded one did not start ("
                    + e.getMessage() + "); start the local server (" + START_LOCAL_SERVER
                    + ") or set SPRING_DATASOURCE_URL");
        }
    }

    private static boolean answers(String url, String user, String password) {
        DriverManager.setLoginTimeout(3);
        try (Connection ignored = DriverManager.getConnection(url, user, password)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static void createIfMissing(String server, String user, String password) {
        try (Connection c = DriverManager.getConnection(server + "postgres", user, password);
                var exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, DATABASE);
            if (!exists.executeQuery().next()) {
                try (var create = c.createStatement()) {
                    create.execute("CREATE DATABASE " + DATABASE);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the '" + DATABASE + "' database: " + e.getMessage(), e);
        }
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static int port() {
        return Integer.parseInt(envOr("RTML_LOCAL_POSTGRES_PORT", "15432"));
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
