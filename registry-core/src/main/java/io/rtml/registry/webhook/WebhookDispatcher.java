package io.rtml.registry.webhook;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Delivers due webhook deliveries on the application's task scheduler: takes a batch (shared with other
 * registries through {@link DeliveryQueue}), sends them in parallel, and records each result, retrying a
 * failure with exponential backoff. Nothing here runs in the transaction of the change that caused an
 * event: a slow or failing receiver never delays or fails a registry change.
 */
@Component
@EnableConfigurationProperties(WebhookProperties.class)
class WebhookDispatcher implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

    private final DeliveryQueue queue;
    private final WebhookSender sender;
    private final WebhookProperties properties;
    private final DeliveryMetrics metrics;

    WebhookDispatcher(DeliveryQueue queue, WebhookSender sender, WebhookProperties properties, DeliveryMetrics metrics) {
        this.queue = queue;
        this.sender = sender;
        this.properties = properties;
        this.metrics = metrics;
    }

    /** The interval is a bound property, so not an annotation. */
    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        Duration interval = properties.pollInterval();
        registrar.addFixedDelayTask(new FixedDelayTask(this::deliverDueQuietly, interval, interval));
    }

    /** Delivers batches until none is due; returns how many attempts were made. */
    int deliverDue() {
        int attempts = 0;
        List<DeliveryQueue.Claimed> batch;
        do {
            batch = queue.claim(properties.batchSize(), properties.lease());
            CompletableFuture.allOf(batch.stream().map(d -> sender.send(d).thenAccept(o -> record(d, o)))
                    .toArray(CompletableFuture[]::new)).join();
            attempts += batch.size();
        } while (batch.size() == properties.batchSize());
        return attempts;
    }

    private void deliverDueQuietly() {
        try {
            deliverDue();
        } catch (RuntimeException e) {
            // The database is away, say: the claimed rows come back when their lease ends.
            log.warn("webhook deliveries paused: {}", e.toString());
        }
    }

    private void record(DeliveryQueue.Claimed delivery, WebhookSender.Outcome outcome) {
        if (outcome.delivered()) {
            if (queue.delivered(delivery, outcome.status())) {
                metrics.delivered();
            }
            return;
        }
        String error = outcome.error() != null ? outcome.error() : "HTTP " + outcome.status();
        if (!queue.failed(delivery, outcome.status(), error, properties.maxAttempts(),
                properties.backoff(delivery.attempt()))) {
            return; // too late: another registry took the delivery again, and counts what it comes to
        }
        if (delivery.attempt() >= properties.maxAttempts()) {
            metrics.failed();
            log.warn("webhook {} gave up delivering event {} after {} attempts: {}", delivery.webhookId(),
                    delivery.eventId(), delivery.attempt(), error);
        } else {
            metrics.retried();
            log.debug("webhook {} delivery of event {} failed (attempt {}): {}", delivery.webhookId(),
                    delivery.eventId(), delivery.attempt(), error);
        }
    }
}
