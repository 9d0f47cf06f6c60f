package io.rtml.registry.webhook;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.registry.access.Actor;
import io.rtml.registry.access.Role;
import io.rtml.registry.access.TokenSecrets;
import io.rtml.registry.audit.AuditLog;
import io.rtml.registry.event.EventTypes;
import io.rtml.registry.target.TargetUrlPolicy;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Webhooks: a URL that receives the events of some types, signed with the webhook's secret. Only an
 * unscoped admin manages them: a webhook receives every event of its types, whatever it is about, and the
 * URL is a place the registry will send requests to (checked against the same allow-list as targets).
 * New events fan out to the webhooks that exist when they commit (migration V018).
 */
@Service
public class WebhookService {

    private static final String SELECT = """
            SELECT w.id, w.url, w.event_types, w.description, w.created_at, w.created_by,
                   count(*) FILTER (WHERE d.status = 'PENDING') AS pending,
                   count(*) FILTER (WHERE d.status = 'DELIVERED') AS delivered,
                   count(*) FILTER (WHERE d.status = 'FAILED') AS failed
            FROM webhook w LEFT JOIN webhook_delivery d ON d.webhook_id = w.id""";

    private static final String DELIVERIES = """
            SELECT d.id, d.event_id, e.type, d.status, d.attempts, d.last_status, d.last_error, d.last_attempt_at,
                   d.next_attempt_at, d.delivered_at
            FROM webhook_delivery d JOIN event e ON e.id = d.event_id
            WHERE d.webhook_id = ? AND d.id < ? ORDER BY d.id DESC LIMIT ?""";

    private final JdbcTemplate jdbc;
    private final TargetUrlPolicy urls;
    private final AuditLog audit;
    private final Clock clock;

    WebhookService(JdbcTemplate jdbc, TargetUrlPolicy urls, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.urls = urls;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    public CreatedWebhookResponse create(CreateWebhookRequest request, Actor actor) {
        actor.requireUnscoped(Role.ADMIN);
        urls.check(request.url(), "url");
        List<String> types = EventTypes.check(request.eventTypes(), "eventTypes");
        String secret = request.secret() != null ? request.secret() : "rtml_whsec_" + TokenSecrets.generate().substring(5);
        Instant now = clock.instant();
        long id = jdbc.queryForObject("""
                INSERT INTO webhook (url, event_types, secret, description, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?) RETURNING id""", Long.class, request.url(), types.toArray(String[]::new),
                secret, request.description(), Timestamp.from(now), actor.name());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("url", request.url());
        details.put("eventTypes", types);
        audit.record(actor, "webhook.create", "webhook", String.valueOf(id), details);
        return new CreatedWebhookResponse(get(id), secret);
    }

    @Transactional(readOnly = true)
    public List<WebhookResponse> list(Actor actor) {
        actor.requireUnscoped(Role.ADMIN);
        return jdbc.query(SELECT + " GROUP BY w.id ORDER BY w.id", WebhookService::row);
    }

    @Transactional(readOnly = true)
    public WebhookResponse get(long id, Actor actor) {
        actor.requireUnscoped(Role.ADMIN);
        return get(id);
    }

    /** The webhook's deliveries, newest first, before the delivery id {@code before}. */
    @Transactional(readOnly = true)
    public List<DeliveryResponse> deliveries(long id, long before, int limit, Actor actor) {
        actor.requireUnscoped(Role.ADMIN);
        get(id);
        return jdbc.query(DELIVERIES, (rs, n) -> new DeliveryResponse(rs.getLong("id"), rs.getLong("event_id"),
                rs.getString("type"), rs.getString("status"), rs.getInt("attempts"),
                (Integer) rs.getObject("last_status"), rs.getString("last_error"), instant(rs, "last_attempt_at"),
                instant(rs, "next_attempt_at"), instant(rs, "delivered_at")), id, before, limit);
    }

    /** Deletes the webhook and its deliveries, pending ones included. */
    @Transactional
    public void delete(long id, Actor actor) {
        actor.requireUnscoped(Role.ADMIN);
        String url = jdbc.queryForList("DELETE FROM webhook WHERE id = ? RETURNING url", String.class, id).stream()
                .findFirst().orElseThrow(() -> notFound(id));
        audit.record(actor, "webhook.delete", "webhook", String.valueOf(id), Map.of("url", url));
    }

    private WebhookResponse get(long id) {
        return jdbc.query(SELECT + " WHERE w.id = ? GROUP BY w.id", WebhookService::row, id).stream().findFirst()
                .orElseThrow(() -> notFound(id));
    }

    private static WebhookResponse row(ResultSet rs, int n) throws SQLException {
        Array types = rs.getArray("event_types");
        return new WebhookResponse(rs.getLong("id"), rs.getString("url"),
                Arrays.asList((String[]) types.getArray()), rs.getString("description"), instant(rs, "created_at"),
                rs.getString("created_by"), new WebhookResponse.Deliveries(rs.getLong("pending"),
                        rs.getLong("delivered"), rs.getLong("failed")));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp at = rs.getTimestamp(column);
        return at == null ? null : at.toInstant();
    }

    private static RtmlException notFound(long id) {
        return new RtmlException(ErrorCode.WEBHOOK_NOT_FOUND, "no webhook with id " + id);
    }
}
