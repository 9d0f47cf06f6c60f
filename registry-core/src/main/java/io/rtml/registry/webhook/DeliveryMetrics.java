package io.rtml.registry.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Meters of webhook deliveries: {@code rtml.webhook.attempts} by {@code outcome} (delivered; retried: failed
 * with attempts left; failed: given up), counted by the registry that recorded the result, and
 * {@code rtml.webhook.deliveries.pending}, the PENDING rows of the shared queue (the same value on every
 * replica: read the gauge of one).
 */
@Component
class DeliveryMetrics {

    private final Counter delivered;
    private final Counter retried;
    private final Counter failed;

    DeliveryMetrics(MeterRegistry meters, DeliveryQueue queue) {
        delivered = attempts(meters, "delivered");
        retried = attempts(meters, "retried");
        failed = attempts(meters, "failed");
        Gauge.builder("rtml.webhook.deliveries.pending", queue, DeliveryMetrics::pending)
                .description("webhook deliveries not yet delivered or given up").register(meters);
    }

    void delivered() {
        delivered.increment();
    }

    void retried() {
        retried.increment();
    }

    void failed() {
        failed.increment();
    }

    private static Counter attempts(MeterRegistry meters, String outcome) {
        return Counter.builder("rtml.webhook.attempts").tag("outcome", outcome)
                .description("webhook delivery attempts by what they came to").register(meters);
    }

    /** NaN while the database does not answer: a scrape must not fail for it. */
    private static double pending(DeliveryQueue queue) {
        try {
            return queue.pending();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }
}
