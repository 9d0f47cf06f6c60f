package io.rtml.registry.webhook;

import io.rtml.deployment.AddressPolicy;
import io.rtml.problem.RtmlException;
import io.rtml.registry.target.TargetUrlPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;
import org.springframework.stereotype.Component;

/**
 * One signed POST of an event to a webhook's URL. Redirects are not followed (they would lead past the
 * allow-list), the URL is checked against the allow-list again (it may have narrowed since the webhook was
 * made), and the answer's body is never read: the connection is dropped as soon as the status line and
 * headers are in, so a receiver that answered and then streamed a body forever (or slowly) cannot hold
 * the attempt, and with it the worker's batch; the whole attempt is also bounded by twice the timeout.
 *
 * <p>The receiver's name is resolved by the client's {@link DnsResolver}, which is the
 * {@link AddressPolicy}: the addresses it checks are the ones the client connects to, with no second
 * lookup in between, so a listed name that now resolves to loopback or the cloud metadata address
 * (DNS rebinding) is refused. The request still names the host (Host header, TLS server name and
 * certificate check). Apache HttpClient because the JDK's client has no resolver hook.
 */
@Component
class WebhookSender implements AutoCloseable {

    /** What an attempt came to: an HTTP status, or no answer and why. */
    record Outcome(Integer status, String error) {

        boolean delivered() {
            return status != null && status >= 200 && status < 300;
        }
    }

    private final CloseableHttpAsyncClient http;
    private final TargetUrlPolicy urls;
    private final Duration timeout;
    private final Clock clock;

    WebhookSender(TargetUrlPolicy urls, WebhookProperties properties, Clock clock) {
        this.urls = urls;
        this.timeout = properties.timeout();
        this.clock = clock;
        AddressPolicy addresses = urls.addresses();
        DnsResolver resolver = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                return addresses.resolve(host);
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host; // never asked for when connecting; no reverse lookup
            }
        };
        this.http = HttpAsyncClients.custom()
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create().setDnsResolver(resolver)
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.of(timeout))
                                .setSocketTimeout(Timeout.of(timeout)).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(timeout))
                        .setRedirectsEnabled(false).build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .build();
        this.http.start();
    }

    CompletableFuture<Outcome> send(DeliveryQueue.Claimed delivery) {
        try {
            urls.check(delivery.url(), "url");
        } catch (RtmlException refused) {
            return CompletableFuture.completedFuture(new Outcome(null, "refused by rtml.targets.*: " + refused.getMessage()));
        }
        byte[] body = delivery.body().getBytes(StandardCharsets.UTF_8);
        SimpleHttpRequest request = SimpleRequestBuilder.post(URI.create(delivery.url()))
                .setHeader("User-Agent", "rtml-webhooks")
                .setHeader("Rtml-Event-Id", Long.toString(delivery.eventId()))
                .setHeader("Rtml-Event-Type", delivery.eventType())
                .setHeader("Rtml-Delivery-Id", Long.toString(delivery.id()))
                .setHeader(WebhookSignature.HEADER, WebhookSignature.header(delivery.secret(),
                        clock.instant().getEpochSecond(), body))
                .setBody(body, ContentType.APPLICATION_JSON)
                .build();
        CompletableFuture<Integer> status = new CompletableFuture<>();
        Future<Integer> exchange = http.execute(SimpleRequestProducer.create(request), new StatusOnly(status), null,
                new FutureCallback<>() {
                    @Override
                    public void completed(Integer result) {
                        status.complete(result);
                    }

                    @Override
                    public void failed(Exception failure) {
                        status.completeExceptionally(failure);
                    }

                    @Override
                    public void cancelled() {
                        status.cancel(false);
                    }
                });
        return status.orTimeout(timeout.multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS)
                .handle((code, failure) -> {
                    if (failure != null) {
                        exchange.cancel(true); // a stalled exchange: let go of its connection too
                        return new Outcome(null, describe(failure));
                    }
                    return new Outcome(code, null);
                });
    }

    @Override
    public void close() {
        http.close(CloseMode.GRACEFUL);
    }

    /**
     * Takes the status from the headers and then ends the exchange, which closes the connection: the
     * body is never read (no capacity is ever granted for it).
     */
    private static final class StatusOnly implements AsyncResponseConsumer<Integer> {

        /** Thrown to end the exchange once the status is known; the client then drops the connection. */
        private static final class Enough extends IOException {
            Enough() {
                super("status received; the body is not read", null);
            }
        }

        private final CompletableFuture<Integer> status;

        StatusOnly(CompletableFuture<Integer> status) {
            this.status = status;
        }

        @Override
        public void consumeResponse(HttpResponse response, EntityDetails entity, HttpContext context,
                FutureCallback<Integer> result) throws IOException {
            status.complete(response.getCode());
            if (entity == null) {
                result.completed(response.getCode());
            } else {
                throw new Enough();
            }
        }

        @Override
        public void informationResponse(HttpResponse response, HttpContext context) {}

        @Override
        public void failed(Exception cause) {}

        @Override
        public void updateCapacity(CapacityChannel channel) {}

        @Override
        public void consume(ByteBuffer src) {}

        @Override
        public void streamEnd(List<? extends Header> trailers) {}

        @Override
        public void releaseResources() {}
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        String message = cause.getMessage();
        String text = cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return text.length() > 500 ? text.substring(0, 500) : text;
    }
}
