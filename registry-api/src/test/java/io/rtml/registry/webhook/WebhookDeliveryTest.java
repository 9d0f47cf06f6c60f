package io.rtml.registry.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.registry.ApiClient;
import io.rtml.registry.RegistryApiApplication;
import io.rtml.testing.ReferenceModels;
import io.rtml.testing.TestDatabase;
import io.rtml.testing.TestS3;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Deliveries to a real receiver on a loopback port, from registries this test starts and stops on one
 * database: signed as the README tells receivers to verify, retried with growing waits after 500s, and
 * taken up by a new registry after the one that was retrying stopped.
 */
class WebhookDeliveryTest {

    private static final String ADMIN_TOKEN = "webhook-test-admin-" + UUID.randomUUID();
    private static final long REPLAY_WINDOW_SECONDS = 300;

    private static ConfigurableApplicationContext registry;
    private static WebhookReceiver receiver;

    @BeforeAll
    static void start() {
        receiver = new WebhookReceiver();
        registry = startRegistry();
    }

    @AfterAll
    static void stop() {
        registry.close();
        receiver.close();
    }

    @Test
    void aDeliveryIsSignedAndRetriedAfter500sUntilTheReceiverTakesIt() throws Exception {
        String model = unique("iris");
        Hook hook = webhook(List.of("alias.moved"));
        aModelWithAVersion(model);
        receiver.answer(500, 500, 200);

        api().putJson("/api/v1/models/" + model + "/aliases/champion", Map.of("version", 1));
        long event = lastEvent("alias.moved");

        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.of(hook.path(), event).size() >= 3);
        List<WebhookReceiver.Received> attempts = receiver.of(hook.path(), event);
        assertThat(attempts).extracting(WebhookReceiver.Received::answeredWith).containsExactly(500, 500, 200);
        attempts.forEach(a -> assertThat(verify(hook.secret(), a.signature(), a.body())).as(a.signature()).isTrue());
        assertThat(verify("another-secret-of-24-chars-or-more", attempts.get(0).signature(), attempts.get(0).body()))
                .isFalse();
        long firstWait = attempts.get(1).receivedAtMillis() - attempts.get(0).receivedAtMillis();
        long secondWait = attempts.get(2).receivedAtMillis() - attempts.get(1).receivedAtMillis();
        assertThat(firstWait).as("initial backoff").isGreaterThanOrEqualTo(240);
        assertThat(secondWait).as("doubled").isGreaterThanOrEqualTo(2 * 240);
        JsonNode body = JsonMapper.builder().build().readTree(attempts.get(2).body());
        assertThat(body.path("id").asLong()).isEqualTo(event);
        assertThat(body.path("type").asString()).isEqualTo("alias.moved");
        assertThat(body.path("subject").path("name").asString()).isEqualTo(model);
        assertThat(body.path("data").path("alias").asString()).isEqualTo("champion");
        assertThat(attempts.get(0).eventType()).isEqualTo("alias.moved");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode delivery = delivery(hook.id(), event);
            assertThat(delivery.path("status").asString()).isEqualTo("DELIVERED");
            assertThat(delivery.path("attempts").asInt()).isEqualTo(3);
            assertThat(delivery.path("lastStatus").asInt()).isEqualTo(200);
        });
        assertThat(api().get("/api/v1/webhooks/" + hook.id()).json().path("deliveries").path("delivered").asLong())
                .isEqualTo(1);
    }

    @Test
    void aDeliveryBeingRetriedWhenTheRegistryStopsIsMadeByTheNextRegistry() {
        String model = unique("iris");
        Hook hook = webhook(List.of("alias.moved"));
        aModelWithAVersion(model);
        receiver.answer(500);
        api().putJson("/api/v1/models/" + model + "/aliases/champion", Map.of("version", 1));
        long event = lastEvent("alias.moved");
        await().atMost(Duration.ofSeconds(20)).until(() -> !receiver.of(hook.path(), event).isEmpty());

        registry.close();
        assertThat(jdbc().queryForObject("SELECT status FROM webhook_delivery WHERE webhook_id = ? AND event_id = ?",
                String.class, hook.id(), event)).isEqualTo("PENDING");
        int attemptsBefore = receiver.of(hook.path(), event).size();
        receiver.answer(200);
        registry = startRegistry();

        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.of(hook.path(), event).stream().anyMatch(r -> r.answeredWith() == 200));
        assertThat(receiver.of(hook.path(), event).size()).isGreaterThan(attemptsBefore);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(delivery(hook.id(), event).path("status").asString()).isEqualTo("DELIVERED"));
    }

    @Test
    void aReceiverThatIsDownNeitherDelaysNorFailsTheChange() {
        String model = unique("iris");
        aModelWithAVersion(model);
        long hook = api().postJson("/api/v1/webhooks", Map.of("url", "http://127.0.0.1:1/nobody-listens",
                "eventTypes", List.of("alias.moved"))).json().path("webhook").path("id").asLong();

        long began = System.nanoTime();
        ApiClient.Response moved = api().putJson("/api/v1/models/" + model + "/aliases/champion", Map.of("version", 1));

        assertThat(moved.status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(2));
        long event = lastEvent("alias.moved");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode delivery = delivery(hook, event);
            assertThat(delivery.path("status").asString()).isEqualTo("PENDING");
            assertThat(delivery.path("attempts").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(delivery.path("lastStatus").isNull()).isTrue();
            assertThat(delivery.path("lastError").asString()).contains("Connect");
            assertThat(Instant.parse(delivery.path("nextAttemptAt").asString())).isAfter(Instant.now().minusSeconds(1));
        });
        api().delete("/api/v1/webhooks/" + hook);
    }

    /**
     * What the README tells a receiver to do: split {@code t=…,v1=…}, compute HMAC-SHA256 with the secret
     * over {@code t + "." + body}, compare in constant time, and refuse a timestamp outside the replay window.
     */
    static boolean verify(String secret, String header, byte[] body) {
        String t = null;
        String v1 = null;
        for (String part : header.split(",")) {
            String[] kv = part.split("=", 2);
            if (kv[0].equals("t")) {
                t = kv[1];
            } else if (kv[0].equals("v1")) {
                v1 = kv[1];
            }
        }
        if (t == null || v1 == null || Math.abs(Instant.now().getEpochSecond() - Long.parseLong(t)) > REPLAY_WINDOW_SECONDS) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
            byte[] expected = mac.doFinal(body);
            return MessageDigest.isEqual(expected, HexFormat.of().parseHex(v1));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Hook(long id, String secret, String path) {}

    private Hook webhook(List<String> types) {
        String path = "/hook/" + UUID.randomUUID();
        ApiClient.Response created = api().postJson("/api/v1/webhooks", Map.of("url", receiver.url(path),
                "eventTypes", types));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return new Hook(created.json().path("webhook").path("id").asLong(), created.json().path("secret").asString(),
                path);
    }

    private void aModelWithAVersion(String model) {
        api().postJson("/api/v1/models", Map.of("name", model));
        assertThat(api().uploadRaw("/api/v1/models/" + model + "/versions",
                ReferenceModels.bundled("sklearn_rf_iris_zipmap").readBytes()).status()).isEqualTo(201);
    }

    private JsonNode delivery(long webhook, long event) {
        for (JsonNode d : api().get("/api/v1/webhooks/" + webhook + "/deliveries").json()) {
            if (d.path("eventId").asLong() == event) {
                return d;
            }
        }
        throw new AssertionError("no delivery of event " + event + " to webhook " + webhook);
    }

    private long lastEvent(String type) {
        return jdbc().queryForObject("SELECT max(id) FROM event WHERE type = ?", Long.class, type);
    }

    private static JdbcTemplate jdbc() {
        TestDatabase.Connection db = TestDatabase.get();
        return new JdbcTemplate(new org.springframework.jdbc.datasource.DriverManagerDataSource(db.jdbcUrl(),
                db.username(), db.password()));
    }

    private static ApiClient api() {
        return new ApiClient("http://127.0.0.1:" + registry.getEnvironment().getRequiredProperty("local.server.port"))
                .withHeader("Authorization", "Bearer " + ADMIN_TOKEN);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A registry with quick retries (250 ms, doubling) on the shared test database. */
    private static ConfigurableApplicationContext startRegistry() {
        try {
            TestDatabase.Connection db = TestDatabase.get();
            var s3 = TestS3.server();
            return new SpringApplicationBuilder(RegistryApiApplication.class).run(
                    "--server.port=0",
                    "--spring.main.banner-mode=off",
                    "--spring.datasource.url=" + db.jdbcUrl(),
                    "--spring.datasource.username=" + db.username(),
                    "--spring.datasource.password=" + db.password(),
                    "--spring.datasource.hikari.minimum-idle=1",
                    "--rtml.s3.endpoint=" + s3.endpoint(),
                    "--rtml.s3.bucket=" + TestS3.BUCKET,
                    "--rtml.s3.access-key=" + s3.accessKey(),
                    "--rtml.s3.secret-key=" + s3.secretKey(),
                    "--rtml.registry.upload.spool-dir=" + Files.createTempDirectory("rtml-webhook-test-spool"),
                    "--rtml.security.bootstrap-admin-token=" + ADMIN_TOKEN,
                    "--rtml.targets.allowed-schemes=http",
                    "--rtml.targets.allowed-cidrs=127.0.0.0/8",
                    "--rtml.registry.webhooks.poll-interval=50ms",
                    "--rtml.registry.webhooks.initial-backoff=250ms",
                    "--rtml.registry.webhooks.timeout=2s");
        } catch (Exception e) {
            throw new IllegalStateException("could not start the registry", e);
        }
    }
}
