package io.rtml.registry.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rtml.registry.target.TargetUrlPolicy;
import io.rtml.registry.target.TargetUrlProperties;
import io.rtml.testing.TestDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The delivery meters, from real attempts: the queue on the real schema and a receiver on a loopback
 * port that takes one webhook's deliveries and answers 500 to another's.
 */
class DeliveryMetricsTest {

    private static JdbcTemplate jdbc;

    private HttpServer receiver;
    private SimpleMeterRegistry meters;
    private WebhookDispatcher dispatcher;

    @BeforeAll
    static void database() {
        TestDatabase.Connection db = TestDatabase.get();
        Flyway.configure().dataSource(db.jdbcUrl(), db.username(), db.password())
                .locations("classpath:db/migration").load().migrate();
        jdbc = new JdbcTemplate(new DriverManagerDataSource(db.jdbcUrl(), db.username(), db.password()));
    }

    @BeforeEach
    void start() throws IOException {
        // Deliveries other test classes left pending in this JVM's database are not this test's to count.
        jdbc.update("UPDATE webhook_delivery SET status = 'FAILED' WHERE status = 'PENDING'");
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/ok", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.createContext("/broken", exchange -> {
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        receiver.start();
        WebhookProperties properties = new WebhookProperties(Duration.ofMillis(500), Duration.ofSeconds(2),
                Duration.ofMillis(1), Duration.ofMillis(1), 2, 16);
        meters = new SimpleMeterRegistry();
        DeliveryQueue queue = new DeliveryQueue(jdbc);
        dispatcher = new WebhookDispatcher(queue, new WebhookSender(new TargetUrlPolicy(new TargetUrlProperties(
                List.of("http"), List.of(), List.of("127.0.0.0/8"))), properties, Clock.systemUTC()), properties,
                new DeliveryMetrics(meters, queue));
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
        jdbc.update("DELETE FROM webhook WHERE url LIKE ?", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/%");
    }

    @Test
    void attemptsAreCountedByOutcomeAndThePendingGaugeReadsTheQueue() throws Exception {
        webhook("/ok");
        webhook("/broken");
        jdbc.execute("SELECT publish_event('alias.moved', 'model', 'metrics', 'test', now(), '{}'::jsonb)");
        assertThat(pending()).isEqualTo(2);

        dispatcher.deliverDue();

        assertThat(attempts("delivered")).isEqualTo(1);
        assertThat(attempts("retried")).isEqualTo(1);
        assertThat(attempts("failed")).isZero();
        assertThat(pending()).isEqualTo(1);

        awaitADueDelivery(); // the 1 ms backoff, by the database's clock, which decides what is due
        dispatcher.deliverDue();

        assertThat(attempts("failed")).as("the second of two attempts").isEqualTo(1);
        assertThat(attempts("delivered")).isEqualTo(1);
        assertThat(pending()).isZero();
    }

    private void webhook(String path) {
        jdbc.update("INSERT INTO webhook (url, event_types, secret, created_at, created_by)"
                + " VALUES (?, '{}', 's', now(), 'test')", "http://127.0.0.1:" + receiver.getAddress().getPort() + path);
    }

    private double attempts(String outcome) {
        return meters.get("rtml.webhook.attempts").tag("outcome", outcome).counter().count();
    }

    private double pending() {
        return meters.get("rtml.webhook.deliveries.pending").gauge().value();
    }

    /** Polls until the queue holds a delivery that is due, as {@code claim} sees it; no fixed sleep. */
    private static void awaitADueDelivery() throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (jdbc.queryForObject("SELECT count(*) FROM webhook_delivery WHERE status = 'PENDING'"
                + " AND next_attempt_at <= now()", Long.class) == 0) {
            assertThat(System.nanoTime()).as("a delivery due within 10 s").isLessThan(deadline);
            Thread.sleep(2);
        }
    }
}
