package io.rtml.registry.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.rtml.registry.target.TargetUrlPolicy;
import io.rtml.registry.target.TargetUrlProperties;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One attempt against real receivers on a loopback port that misbehave: an attempt ends within its
 * timeout whatever the receiver does, so a receiver cannot hold the delivery worker.
 */
class WebhookSenderTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private HttpServer receiver;
    private ExecutorService threads;
    private WebhookSender sender;

    @BeforeEach
    void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        threads = Executors.newCachedThreadPool();
        receiver.setExecutor(threads);
        receiver.createContext("/endless", exchange -> {
            exchange.sendResponseHeaders(200, 0); // chunked, and it never ends
            byte[] chunk = new byte[8192];
            try (OutputStream body = exchange.getResponseBody()) {
                while (!Thread.currentThread().isInterrupted()) {
                    body.write(chunk);
                    body.flush();
                }
            } catch (IOException gone) {
                // the registry closed the connection: what it should do
            }
        });
        receiver.createContext("/silent", exchange -> {
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        receiver.start();
        sender = new WebhookSender(new TargetUrlPolicy(new TargetUrlProperties(List.of("http"), List.of(),
                List.of("127.0.0.0/8"))), new WebhookProperties(Duration.ofMillis(500), TIMEOUT, Duration.ofSeconds(1),
                Duration.ofHours(1), 20, 16), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        sender.close();
        receiver.stop(0);
        threads.shutdownNow();
    }

    @Test
    void aReceiverThatAnswersThenStreamsForeverIsDeliveredWithoutReadingItsBody() throws Exception {
        long began = System.nanoTime();

        WebhookSender.Outcome outcome = sender.send(delivery("/endless")).get(10, TimeUnit.SECONDS);

        assertThat(outcome.status()).isEqualTo(200);
        assertThat(outcome.delivered()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(TIMEOUT.multipliedBy(2));
    }

    @Test
    void aReceiverThatNeverAnswersFailsTheAttemptAtTheTimeout() throws Exception {
        long began = System.nanoTime();

        WebhookSender.Outcome outcome = sender.send(delivery("/silent")).get(10, TimeUnit.SECONDS);

        assertThat(outcome.delivered()).isFalse();
        assertThat(outcome.error()).contains("Timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(TIMEOUT.multipliedBy(3));
    }

    /**
     * DNS rebinding: {@code localhost} is a listed name, and it resolves to loopback, which the policy does not
     * list. The attempt is refused when the connection is made, and the receiver on that loopback port sees nothing.
     */
    @Test
    void aListedNameThatResolvesToAnAddressThePolicyRefusesIsNeverCalled() throws Exception {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        receiver.createContext("/hook", exchange -> {
            calls.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        String url = "http://localhost:" + receiver.getAddress().getPort() + "/hook";
        try (WebhookSender byName = new WebhookSender(new TargetUrlPolicy(new TargetUrlProperties(List.of("http"),
                List.of("localhost"), List.of())), new WebhookProperties(Duration.ofMillis(500), TIMEOUT,
                Duration.ofSeconds(1), Duration.ofHours(1), 20, 16), Clock.systemUTC())) {

            WebhookSender.Outcome outcome = byName.send(new DeliveryQueue.Claimed(1, 1, 1, url, "secret", 1,
                    "alias.moved", "{\"id\":1}")).get(10, TimeUnit.SECONDS);

            assertThat(outcome.delivered()).isFalse();
            assertThat(outcome.error()).contains("'localhost' resolves to", "loopback", "rtml.targets.allowed-cidrs");
        }
        assertThat(calls).hasValue(0);
        // the same receiver by its address, which the policy lists: delivered, so the refusal above was the address
        WebhookSender.Outcome direct = sender.send(new DeliveryQueue.Claimed(1, 1, 1, "http://127.0.0.1:"
                + receiver.getAddress().getPort() + "/hook", "secret", 1, "alias.moved", "{}")).get(10, TimeUnit.SECONDS);
        assertThat(direct.status()).isEqualTo(204);
        assertThat(calls).hasValue(1);
    }

    private DeliveryQueue.Claimed delivery(String path) {
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
        return new DeliveryQueue.Claimed(1, 1, 1, url, "secret", 1, "alias.moved", "{\"id\":1}");
    }
}
