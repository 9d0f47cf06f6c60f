package io.rtml.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A PostgreSQL database created for one benchmark run and dropped at its end. The server is the
 * local one (127.0.0.1:5432, user postgres) unless {@code -Drtml.bench.pg=jdbc:postgresql://host:port/}
 * (with {@code rtml.bench.pg.user}, {@code rtml.bench.pg.password}) names another.
 */
final class FreshDatabase {

    private final String serverUrl;
    private final String name;
    private final String user;
    private final String password;

    private FreshDatabase(String serverUrl, String name, String user, String password) {
        this.serverUrl = serverUrl;
        this.name = name;
        this.user = user;
        this.password = password;
    }

    static FreshDatabase create(Cleanup cleanup) {
        String server = System.getProperty("rtml.bench.pg", "jdbc:postgresql://127.0.0.1:5432/");
        if (!server.endsWith("/")) {
            server += "/";
        }
        String user = System.getProperty("rtml.bench.pg.user", "postgres");
        String password = System.getProperty("rtml.bench.pg.password", "");
        byte[] random = new byte[6];
        ThreadLocalRandom.current().nextBytes(random);
        String name = "rtml_bench_" + HexFormat.of().formatHex(random);
        FreshDatabase db = new FreshDatabase(server, name, user, password);
        db.onServer("CREATE DATABASE " + name);
        cleanup.add("drop database " + name, () -> db.onServer("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"));
        return db;
    }

    String jdbcUrl() {
        return serverUrl + name;
    }

    String name() {
        return name;
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, password);
    }

    private void onServer(String sql) {
        try (Connection c = DriverManager.getConnection(serverUrl + "postgres", user, password);
                var s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new BenchmarkFailure("PostgreSQL at " + serverUrl + " refused '" + sql + "': " + e.getMessage()
                    + " (is it running? pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start)", e);
        }
    }
}
