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

    private static final String PAGE = """
            SELECT id, type, occurred_at, subject_kind, subject, actor, data::text AS data FROM event
            WHERE id > ? AND (cardinality(?::text[]) = 0 OR type = ANY (?::text[]))
            ORDER BY id LIMIT ?""";

    private final JdbcTemplate jdbc;

    EventLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Up to {@code limit} events after {@code after}, oldest first, of the given types (empty: all). */
    @Transactional(readOnly = true)
    public EventPage list(Actor actor, long after, int limit, List<String> types) {
        if (actor.isNode() || actor.roles().isEmpty()) {
            throw new RtmlException(ErrorCode.FORBIDDEN, actor.name() + " may not read events: it needs an API token");
        }
        if (after < 0) {
            throw new RtmlException(ErrorCode.VALIDATION_FAILED, "after must be 0 or an event id, got " + after,
                    List.of(new RtmlException.FieldError("after", "must be 0 or more")), null);
        }
        String[] wanted = EventTypes.check(types, "types").toArray(String[]::new);
        List<EventResponse> shown = new ArrayList<>();
        long next = after;
        int budget = limit * SCAN_FACTOR;
        while (shown.size() < limit && budget > 0) {
            int batch = Math.min(budget, limit);
            List<EventResponse> rows = jdbc.query(PAGE, EventLog::row, next, wanted, wanted, batch);
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
