package io.rtml.registry.webhook;

import java.time.Instant;

/**
 * One event's delivery to one webhook.
 *
 * @param status PENDING (not yet answered with 2xx: due at {@code nextAttemptAt}), DELIVERED, or FAILED (given
 *     up after the last attempt)
 * @param lastStatus the HTTP status of the last attempt; null when it got no answer ({@code lastError} says why)
 */
public record DeliveryResponse(long id, long eventId, String eventType, String status, int attempts,
        Integer lastStatus, String lastError, Instant lastAttemptAt, Instant nextAttemptAt, Instant deliveredAt) {}
