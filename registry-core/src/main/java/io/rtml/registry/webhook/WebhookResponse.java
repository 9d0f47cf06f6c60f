package io.rtml.registry.webhook;

import java.time.Instant;
import java.util.List;

/**
 * A webhook as readers see it: never its secret.
 *
 * @param eventTypes the types delivered; empty: every type
 * @param deliveries how many of its deliveries are in each state
 */
public record WebhookResponse(long id, String url, List<String> eventTypes, String description, Instant createdAt,
        String createdBy, Deliveries deliveries) {

    public record Deliveries(long pending, long delivered, long failed) {}
}
