package io.rtml.registry.webhook;

import io.rtml.problem.RtmlException;
import io.rtml.registry.target.TargetUrlPolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * One signed POST of an event to a webhook's URL. Redirects are not followed (they would lead past the
 * allow-list), the URL is checked against the allow-list again (it may have narrowed since the webhook was
 * made), and the answer's body is never read: the connection is dropped as soon as the status line and
 * headers are in. {@code HttpRequest.timeout} ends at the headers, so a receiver that answered and then
 * streamed a body forever (or slowly) would otherwise hold the attempt, and with it the worker's batch,
 * without end; the whole attempt is also bounded by connect plus answer timeout.
 */
@Component
class WebhookSender {

    /** What an attempt came to: an HTTP status, or no answer and why. */
    record Outcome(Integer status, String error) {

        boolean delivered() {
            return status != null && status >= 200 && status < 300;
        }
    }

    private final HttpClient http;
    private final TargetUrlPolicy urls;
    private final Duration timeout;
    private final Clock clock;

    WebhookSender(TargetUrlPolicy urls, WebhookProperties properties, Clock clock) {
        this.urls = urls;
        this.timeout = properties.timeout();
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    CompletableFuture<Outcome> send(DeliveryQueue.Claimed delivery) {
        try {
            urls.check(delivery.url(), "url");
        } catch (RtmlException refused) {
            return CompletableFuture.completedFuture(new Outcome(null, "refused by rtml.targets.*: " + refused.getMessage()));
        }
        byte[] body = delivery.body().getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(delivery.url())).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "rtml-webhooks")
                .header("Rtml-Event-Id", Long.toString(delivery.eventId()))
                .header("Rtml-Event-Type", delivery.eventType())
                .header("Rtml-Delivery-Id", Long.toString(delivery.id()))
                .header(WebhookSignature.HEADER, WebhookSignature.header(delivery.secret(), clock.instant().getEpochSecond(), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        CompletableFuture<HttpResponse<Void>> exchange = http.sendAsync(request, info -> new IgnoredBody());
        return exchange.thenApply(response -> response)
                .orTimeout(timeout.multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS)
                .handle((response, failure) -> {
                    if (failure != null) {
                        exchange.cancel(true); // a stalled exchange: let go of its connection too
                        return new Outcome(null, describe(failure));
                    }
                    return new Outcome(response.statusCode(), null);
                });
    }

    /** A body not read at all: the subscription is cancelled at once, which closes the connection. */
    private static final class IgnoredBody implements HttpResponse.BodySubscriber<Void> {

        @Override
        public CompletionStage<Void> getBody() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.cancel();
        }

        @Override
        public void onNext(List<ByteBuffer> item) {}

        @Override
        public void onError(Throwable throwable) {}

        @Override
        public void onComplete() {}
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        String message = cause.getMessage();
        String text = cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return text.length() > 500 ? text.substring(0, 500) : text;
    }
}
