package io.rtml.local;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Finds the PostgreSQL database for the embedded stack: the JDBC URL from the environment if one
 * is given, else the server on 127.0.0.1:5432, where the {@code rtml} database is created when
 * it is missing.
 */
final class LocalDatabase {

    record Target(String url, String username, String password) {}

    private static final String LOCAL_SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final String DATABASE = "rtml";

    private LocalDatabase() {}

    static Optional<Target> find() {
        String url = System.getenv("SPRING_DATASOURCE_URL");
        String user = envOr("SPRING_DATASOURCE_USERNAME", "postgres");
        String password = envOr("SPRING_DATASOURCE_PASSWORD", "");
        if (url != null && !url.isBlank()) {
            return answers(url, user, password) ? Optional.of(new Target(url, user, password)) : Optional.empty();
        }
        if (!answers(LOCAL_SERVER + "postgres", user, password)) {
            return Optional.empty();
        }
        createIfMissing(user, password);
        return Optional.of(new Target(LOCAL_SERVER + DATABASE, user, password));
    }

    private static boolean answers(String url, String user, String password) {
        DriverManager.setLoginTimeout(3);
        try (Connection ignored = DriverManager.getConnection(url, user, password)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static void createIfMissing(String user, String password) {
        try (Connection c = DriverManager.getConnection(LOCAL_SERVER + "postgres", user, password);
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

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }
}
