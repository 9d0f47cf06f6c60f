package io.rtml.registry.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The retention sweep on the real schema: what is past retention goes, a pending delivery keeps its
 * event, and a registry that finds the sweep's lock taken deletes nothing.
 */
class EventRetentionTest {

    private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");

    private static DriverManagerDataSource dataSource;
    private static JdbcTemplate jdbc;

    private EventRetention retention;
    private String subject;
    private long webhook;

    @BeforeAll
    static void database() {
        TestDatabase.Connection db = TestDatabase.get();
        Flyway.configure().dataSource(db.jdbcUrl(), db.username(), db.password())
                .locations("classpath:db/migration").load().migrate();
        dataSource = new DriverManagerDataSource(db.jdbcUrl(), db.username(), db.password());
        jdbc = new JdbcTemplate(dataSource);
    }

    @BeforeEach
    void webhook() {
        retention = new EventRetention(jdbc, new DataSourceTransactionManager(dataSource),
                new EventRetentionProperties(Duration.ofDays(30), Duration.ofHours(1)), Clock.fixed(NOW, ZoneOffset.UTC));
        subject = "m-" + UUID.randomUUID().toString().substring(0, 8);
        webhook = jdbc.queryForObject("""
                INSERT INTO webhook (url, event_types, secret, created_at, created_by)
                VALUES ('https://hooks.example/x', '{}', 's', now(), 'test') RETURNING id""", Long.class);
    }

    @Test
    void oldEventsWhoseDeliveriesAreFinishedGoAndAPendingDeliveryKeepsItsEvent() {
        long oldDelivered = event(31, "DELIVERED");
        long oldFailed = event(31, "FAILED");
        long oldPending = event(31, "PENDING");
        long oldWithoutWebhook = event(31, null);
        long recentDelivered = event(29, "DELIVERED");

        EventRetention.Swept swept = retention.sweep();

        assertThat(events()).containsExactly(oldPending, recentDelivered);
        assertThat(jdbc.queryForList("SELECT event_id FROM webhook_delivery WHERE webhook_id = ? ORDER BY event_id",
                Long.class, webhook)).containsExactly(oldPending, recentDelivered);
        assertThat(swept.events()).isGreaterThanOrEqualTo(3);
        assertThat(List.of(oldDelivered, oldFailed, oldWithoutWebhook)).doesNotContainAnyElementsOf(events());
    }

    @Test
    void aRegistryThatFindsTheSweepLockTakenDeletesNothing() throws Exception {
        long old = event(40, "DELIVERED");
        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement lock = other.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                lock.setLong(1, EventRetention.SWEEP_LOCK);
                lock.execute();
            }
            assertThat(retention.sweep()).isEqualTo(new EventRetention.Swept(0, 0));
            assertThat(events()).contains(old);
            other.rollback();
        }
        retention.sweep();
        assertThat(events()).doesNotContain(old);
    }

    /** An event {@code daysAgo} old with one delivery in {@code status} (null: none), finished as long ago. */
    private long event(int daysAgo, String status) {
        Timestamp at = Timestamp.from(NOW.minus(Duration.ofDays(daysAgo)));
        long id = jdbc.queryForObject("""
                INSERT INTO event (occurred_at, type, subject_kind, subject) VALUES (?, 'alias.moved', 'model', ?)
                RETURNING id""", Long.class, at, subject);
        // publish_event is not called here, so no delivery exists but the one made below
        if (status != null) {
            jdbc.update("""
                    INSERT INTO webhook_delivery (webhook_id, event_id, status, attempts, next_attempt_at,
                                                  last_attempt_at, delivered_at)
                    VALUES (?, ?, ?, 1, ?, ?, CASE WHEN ? = 'DELIVERED' THEN ?::timestamptz END)""",
                    webhook, id, status, at, at, status, at);
        }
        return id;
    }

    private List<Long> events() {
        return jdbc.queryForList("SELECT id FROM event WHERE subject = ? ORDER BY id", Long.class, subject);
    }
}
