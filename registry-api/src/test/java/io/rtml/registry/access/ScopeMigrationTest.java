package io.rtml.registry.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.testing.TestDatabase;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Migration V006 on a database that has the old node tokens (deployer tokens scoped to a target's
 * name): their scopes become {@code target:} scopes, other scopes keep their old, untyped meaning.
 * Runs the real Flyway scripts in a schema of its own.
 */
class ScopeMigrationTest {

    @Test
    void oldNodeTokensBecomeTargetScopedAndOtherScopesStayAsTheyWere() {
        TestDatabase.Connection db = TestDatabase.get();
        String schema = "v006_" + UUID.randomUUID().toString().substring(0, 8);
        migrate(db, schema, "5");
        SingleConnectionDataSource ds = new SingleConnectionDataSource(
                db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "currentSchema=" + schema, db.username(),
                db.password(), true);
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        jdbc.update("""
                INSERT INTO target (name, kind, region, base_url, created_at, created_by, updated_at)
                VALUES ('edge-eu', 'EDGE', 'eu', 'http://edge-eu:8090', now(), 'test', now())""");
        insertToken(jdbc, "node-edge-eu", "[\"deployer\"]", "[\"edge-eu\"]", "a");
        insertToken(jdbc, "team-a-ci", "[\"deployer\"]", "[\"team-a.*\", \"edge-eu\", \"fraud\"]", "b");
        insertToken(jdbc, "admin", "[\"admin\"]", "[]", "c");
        // A publisher scoped to a name that a target happens to have too: a model scope, kept.
        insertToken(jdbc, "edge-eu-models", "[\"publisher\"]", "[\"edge-eu\"]", "d");

        migrate(db, schema, "6");

        assertThat(scopes(jdbc, "node-edge-eu")).isEqualTo("[\"target:edge-eu\"]");
        // Not a node token (its scopes name models too): kept as it was, no scope changes kind.
        assertThat(scopes(jdbc, "team-a-ci")).isEqualTo("[\"team-a.*\", \"edge-eu\", \"fraud\"]");
        assertThat(scopes(jdbc, "edge-eu-models")).isEqualTo("[\"edge-eu\"]");
        assertThat(scopes(jdbc, "admin")).isEqualTo("[]");
        assertThat(jdbc.queryForObject("SELECT node_credential_salt IS NULL FROM target", Boolean.class)).isTrue();
        ds.destroy();
        new JdbcTemplate(new SingleConnectionDataSource(db.jdbcUrl(), db.username(), db.password(), false))
                .execute("DROP SCHEMA " + schema + " CASCADE");
    }

    private static void migrate(TestDatabase.Connection db, String schema, String version) {
        Flyway.configure().dataSource(db.jdbcUrl(), db.username(), db.password()).schemas(schema)
                .defaultSchema(schema).locations("classpath:db/migration").target(version).load().migrate();
    }

    private static void insertToken(JdbcTemplate jdbc, String name, String roles, String scopes, String hashDigit) {
        jdbc.update("""
                INSERT INTO api_token (name, secret_hash, prefix, roles, scopes, created_at, created_by)
                VALUES (?, ?, 'rtml_x', ?::jsonb, ?::jsonb, now(), 'test')""",
                name, hashDigit.repeat(64), roles, scopes);
    }

    private static String scopes(JdbcTemplate jdbc, String name) {
        return jdbc.queryForObject("SELECT scopes::text FROM api_token WHERE name = ?", String.class, name);
    }
}
