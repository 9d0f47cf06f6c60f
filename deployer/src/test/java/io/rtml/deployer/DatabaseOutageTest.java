package io.rtml.deployer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.rtml.deployer.support.Deployers;
import io.rtml.testing.ThrowawayPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The deployer's database stops (a PostgreSQL of the test's own, never the shared one): health
 * says so within seconds rather than after Hikari's 30 s, and all is well again once it is back.
 */
class DatabaseOutageTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static ThrowawayPostgres postgres;
    static ConfigurableApplicationContext deployer;
    static URI health;

    @BeforeAll
    static void start() {
        assumeThat(ThrowawayPostgres.available()).as("PostgreSQL binaries under /usr/lib/postgresql").isTrue();
        postgres = ThrowawayPostgres.start();
        Flyway.configure().dataSource(postgres.jdbcUrl(), "postgres", "").locations("classpath:db/migration").load().migrate();
        deployer = Deployers.start("outage", Map.of("spring.datasource.url", postgres.jdbcUrl(),
                "spring.datasource.username", "postgres", "spring.datasource.password", "",
                "rtml.deployer.reconcile-interval", "300ms"));
        health = URI.create("http://127.0.0.1:" + deployer.getEnvironment().getProperty("local.server.port")
                + "/actuator/health");
    }

    @AfterAll
    static void stop() {
        if (deployer != null) {
            deployer.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void healthIsDownWithinSecondsWhileTheDatabaseIsDownAndUpWhenItIsBack() throws Exception {
        assertThat(status(health)).isEqualTo(200);
        postgres.stop();
        try {
            long start = System.nanoTime();
            int status = status(health);
            // Rules out Hikari's default 30 s wait; the margin is for a loaded machine (speed is for benchmarks).
            long connectionTimeoutMs = deployer.getEnvironment()
                    .getRequiredProperty("spring.datasource.hikari.connection-timeout", Long.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("answered within the connection timeout")
                    .isLessThan(Duration.ofMillis(2 * connectionTimeoutMs).plusSeconds(6));
            assertThat(status).isEqualTo(503);
        } finally {
            postgres.resume();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> status(health) == 200);
    }

    private static int status(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
