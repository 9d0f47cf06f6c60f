package io.rtml.registry.event;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The types of events the registry publishes. The database derives each event from the change's audit
 * row or from a target's health column (migration V018); this list names what that mapping produces, so
 * that filters and webhook subscriptions can be checked.
 */
public final class EventTypes {

    public static final List<String> ALL = List.of("version.created", "alias.moved", "deployment.started",
            "deployment.succeeded", "deployment.failed", "deployment.rolled_back", "deployment.shadowed",
            "deployment.refused", "target.converged", "target.health_changed");

    private EventTypes() {}

    /** The given types without repeats, each checked; null or empty stays empty (every type). */
    public static List<String> check(List<String> types, String field) {
        if (types == null) {
            return List.of();
        }
        List<String> unknown = new ArrayList<>();
        LinkedHashSet<String> distinct = new LinkedHashSet<>();
        for (String type : types) {
            String trimmed = type == null ? "" : type.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (!ALL.contains(trimmed)) {
                unknown.add(trimmed.length() > 64 ? trimmed.substring(0, 64) + "…" : trimmed);
            }
            distinct.add(trimmed);
        }
        if (!unknown.isEmpty()) {
            String why = "unknown event type(s) " + unknown + "; known: " + String.join(", ", ALL);
            throw new RtmlException(ErrorCode.VALIDATION_FAILED, "the request is not valid: " + field + " has " + why,
                    List.of(new RtmlException.FieldError(field, why)), null);
        }
        return List.copyOf(distinct);
    }
}
