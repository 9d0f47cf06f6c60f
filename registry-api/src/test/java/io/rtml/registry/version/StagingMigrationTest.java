package io.rtml.registry.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtml.testing.TestDatabase;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Migration V013 drops the staging machinery, and refuses a database where a version still refers to
 * a staging key (an older registry stopped before moving it), saying what to do. Runs the real Flyway
 * scripts in a schema of its own.
 */
class StagingMigrationTest {

    @Test
    void aVersionStillOnAStagingKeyStopsTheMigrationUntilTheOldRegistryMovedIt() {
        TestDatabase.Connection db = TestDatabase.get();
        String schema = "v013_" + UUID.randomUUID().toString().substring(0, 8);
        migrate(db, schema, "10");
        SingleConnectionDataSource ds = new SingleConnectionDataSource(
                db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "currentSchema=" + schema, db.username(),
                db.password(), true);
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        jdbc.update("""
                INSERT INTO registered_model (name, created_at, created_by, updated_at)
                VALUES ('titanic', now(), 'test', now())""");
        String sha256 = "ab".repeat(32);
        jdbc.update("""
                INSERT INTO model_version (model_id, version, sha256, size_bytes, artifact_key, signature, created_at,
                                           created_by, updated_at)
                SELECT id, 1, ?, 10, 'staging/0b1d', '{}'::jsonb, now(), 'test', now() FROM registered_model""", sha256);

        assertThatThrownBy(() -> migrate(db, schema, "13")).isInstanceOf(FlywayException.class)
                .hasMessageContaining("some model versions still refer to a staging key (1:")
                .hasMessageContaining("Start the previous rtml release once");
        assertThat(tableExists(jdbc, "staging_release")).isTrue();

        // what the previous release's mover does on its start
        jdbc.update("UPDATE model_version SET artifact_key = ?", "artifacts/sha256/ab/" + sha256);
        migrate(db, schema, "13");

        assertThat(tableExists(jdbc, "staging_release")).isFalse();
        jdbc.execute("DROP SCHEMA " + schema + " CASCADE");
        ds.destroy();
    }

    private static boolean tableExists(JdbcTemplate jdbc, String table) {
        return jdbc.queryForObject("SELECT to_regclass(?) IS NOT NULL", Boolean.class, table);
    }

    private static void migrate(TestDatabase.Connection db, String schema, String version) {
        Flyway.configure().dataSource(db.jdbcUrl(), db.username(), db.password()).schemas(schema)
                .defaultSchema(schema).locations("classpath:db/migration").target(version).load().migrate();
    }
}
