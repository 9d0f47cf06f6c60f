package io.rtml.registry.event;

import java.time.Instant;
import java.util.Map;

/**
 * One published change, as {@code GET /api/v1/events} lists it and as a webhook delivery's body carries it.
 *
 * @param id the position in the event log: ids grow in commit order, so {@code after=id} never skips one
 * @param subject what the change is about: a model, a service or a target, by name
 * @param actor who made the change; null for what the deployer observed (a target's health)
 */
public record EventResponse(long id, String type, Instant occurredAt, Subject subject, String actor,
        Map<String, Object> data) {

    public record Subject(String kind, String name) {}
}
