package io.rtml.registry.event;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.registry.access.Actor;
import io.rtml.registry.access.Resource;
import io.rtml.registry.access.Role;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the event log for polling clients. The rows are written by the database itself, in the
 * transaction of each change (migration V018), with ids in commit order: a client that asks for
 * events {@code after} the last id it saw never misses one.
 *
 * <p>A reader sees the events about the models, services and targets its token's scopes cover, as
 * it would see those things themselves.
 */
@Service
public class EventLog {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

    /** Rows looked at per page for a scoped reader, as a multiple of the page size, so that a page stays cheap. */
    private static final int SCAN_FACTOR = 10;

    private static final String SELECT = """
            SELECT id, type, occurred_at, subject_kind, subject, actor, data::text AS data FROM event
            WHERE id > ? AND id < ? AND (cardinality(?::text[]) = 0 OR type = ANY (?::text[]))
              AND (?::text IS NULL OR (subject_kind = 'service' AND subject = ?::text))""";

    private static final String OLDEST_FIRST = SELECT + " ORDER BY id LIMIT ?";

    /** Walks the primary key backwards: a page of a service's recent events reads about a page of rows when it is busy. */
    private static final String NEWEST_FIRST = SELECT + " ORDER BY id DESC LIMIT ?";

    private final JdbcTemplate jdbc;

    EventLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Which events a page is taken from.
     *
     * @param before null: the events after {@code after}, oldest first (polling); an id: those before it (and
     *     after {@code after}), newest first, so that a page shows what happened last and its {@code next} is
     *     the {@code before} of the page of older ones
     * @param types the types wanted; null or empty: every type
     * @param service null: about anything; a name: only the events whose subject is that service
     */
    public record Window(long after, Long before, List<String> types, String service) {}

    /** Up to {@code limit} events of {@code window}, in its order, that the actor may see. */
    @Transactional(readOnly = true)
    public EventPage list(Actor actor, Window window, int limit) {
        long after = window.after();
        if (actor.isNode() || actor.roles().isEmpty()) {
            throw new RtmlException(ErrorCode.FORBIDDEN, actor.name() + " may not read events: it needs an API token");
        }
        if (after < 0) {
            throw new RtmlException(ErrorCode.VALIDATION_FAILED, "after must be 0 or an event id, got " + after,
                    List.of(new RtmlException.FieldError("after", "must be 0 or more")), null);
        }
        if (window.before() != null && window.before() < 1) {
            throw new RtmlException(ErrorCode.VALIDATION_FAILED, "before must be an event id, got " + window.before(),
                    List.of(new RtmlException.FieldError("before", "must be 1 or more")), null);
        }
        String[] wanted = EventTypes.check(window.types(), "types").toArray(String[]::new);
        boolean backwards = window.before() != null;
        String query = backwards ? NEWEST_FIRST : OLDEST_FIRST;
        String service = window.service() == null || window.service().isBlank() ? null : window.service();
        List<EventResponse> shown = new ArrayList<>();
        long next = backwards ? window.before() : after;
        int budget = limit * SCAN_FACTOR;
        while (shown.size() < limit && budget > 0) {
            int batch = Math.min(budget, limit);
            List<EventResponse> rows = backwards
                    ? jdbc.query(query, EventLog::row, after, next, wanted, wanted, service, service, batch)
                    : jdbc.query(query, EventLog::row, next, Long.MAX_VALUE, wanted, wanted, service, service, batch);
            budget -= rows.size();
            for (EventResponse event : rows) {
                if (shown.size() == limit) {
                    break;
                }
                next = event.id();
                if (visible(actor, event)) {
                    shown.add(event);
                }
            }
            if (rows.size() < batch) {
                break;
            }
        }
        return new EventPage(shown, next);
    }

    private static boolean visible(Actor actor, EventResponse event) {
        Resource kind = Resource.valueOf(event.subject().kind().toUpperCase(Locale.ROOT));
        return actor.allows(Role.VIEWER, kind, event.subject().name());
    }

    private static EventResponse row(ResultSet rs, int n) throws SQLException {
        return new EventResponse(rs.getLong("id"), rs.getString("type"), rs.getTimestamp("occurred_at").toInstant(),
                new EventResponse.Subject(rs.getString("subject_kind"), rs.getString("subject")), rs.getString("actor"),
                JSON.readValue(rs.getString("data"), OBJECT));
    }
}
