package io.rtml.registry.webhook;

import java.time.Duration;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The webhook_delivery rows as a work queue shared by every registry replica. Each statement commits on
 * its own: a claim hides the rows it takes until their lease ends ({@code next_attempt_at}), so an
 * attempt never holds a transaction or a row lock while it waits for a receiver, and a registry that dies
 * mid-attempt only delays the delivery by the lease.
 */
@Component
class DeliveryQueue {

    /** A delivery taken for one attempt, with what the attempt needs. */
    record Claimed(long id, int attempt, long webhookId, String url, String secret, long eventId, String eventType,
            String body) {}

    /**
     * Takes due deliveries, oldest due first, skipping rows another registry is claiming at this instant
     * ({@code FOR UPDATE SKIP LOCKED}); the event is rendered to its JSON body by the database, once.
     */
    private static final String CLAIM = """
            UPDATE webhook_delivery d SET attempts = d.attempts + 1, last_attempt_at = now(),
                   next_attempt_at = now() + make_interval(secs => ?)
            FROM webhook w, event e
            WHERE d.id IN (SELECT id FROM webhook_delivery
                           WHERE status = 'PENDING' AND next_attempt_at <= now()
                           ORDER BY next_attempt_at, id
                           FOR UPDATE SKIP LOCKED
                           LIMIT ?)
              AND w.id = d.webhook_id AND e.id = d.event_id
            RETURNING d.id, d.attempts, w.id AS webhook_id, w.url, w.secret, e.id AS event_id, e.type,
                      jsonb_build_object('id', e.id, 'type', e.type,
                          'occurredAt', to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                          'subject', jsonb_build_object('kind', e.subject_kind, 'name', e.subject),
                          'actor', e.actor, 'data', e.data)::text AS body""";

    /** Fenced on the attempt: a result that comes after another registry took the delivery again changes nothing. */
    private static final String DELIVERED = """
            UPDATE webhook_delivery SET status = 'DELIVERED', last_status = ?, last_error = NULL, delivered_at = now()
            WHERE id = ? AND attempts = ? AND status = 'PENDING'""";

    private static final String FAILED_ATTEMPT = """
            UPDATE webhook_delivery SET last_status = ?, last_error = ?,
                   status = CASE WHEN attempts >= ? THEN 'FAILED' ELSE 'PENDING' END,
                   next_attempt_at = now() + make_interval(secs => ?)
            WHERE id = ? AND attempts = ? AND status = 'PENDING'""";

    private final JdbcTemplate jdbc;

    DeliveryQueue(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    List<Claimed> claim(int max, Duration lease) {
        return jdbc.query(CLAIM, (rs, n) -> new Claimed(rs.getLong("id"), rs.getInt("attempts"),
                rs.getLong("webhook_id"), rs.getString("url"), rs.getString("secret"), rs.getLong("event_id"),
                rs.getString("type"), rs.getString("body")), seconds(lease), max);
    }

    /** False when the result came too late (another registry took the delivery again). */
    boolean delivered(Claimed delivery, int status) {
        return jdbc.update(DELIVERED, status, delivery.id(), delivery.attempt()) == 1;
    }

    /**
     * A failed attempt: due again after {@code retryIn}, or FAILED when it was the last one allowed. False
     * when the result came too late (another registry took the delivery again).
     */
    boolean failed(Claimed delivery, Integer status, String error, int maxAttempts, Duration retryIn) {
        return jdbc.update(FAILED_ATTEMPT, status, error, maxAttempts, seconds(retryIn), delivery.id(),
                delivery.attempt()) == 1;
    }

    /** The deliveries not yet delivered or given up (the partial index webhook_delivery_due covers them). */
    long pending() {
        return jdbc.queryForObject("SELECT count(*) FROM webhook_delivery WHERE status = 'PENDING'", Long.class);
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
