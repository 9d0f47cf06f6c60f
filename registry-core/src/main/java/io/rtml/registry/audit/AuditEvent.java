package io.rtml.registry.audit;

import io.rtml.registry.access.Actor;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

@Entity
@Table(name = "audit_event")
class AuditEvent {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private Instant occurredAt;
    private String actor;
    private String clientAddress;
    private String action;
    private String entityType;
    private String entityName;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    private Map<String, Object> details;

    protected AuditEvent() {}

    AuditEvent(Instant occurredAt, Actor actor, String action, String entityType, String entityName,
            Map<String, Object> details) {
        this.occurredAt = occurredAt;
        this.actor = actor.name();
        this.clientAddress = actor.address();
        this.action = action;
        this.entityType = entityType;
        this.entityName = entityName;
        this.details = Map.copyOf(details);
    }

    AuditEventResponse toResponse() {
        return new AuditEventResponse(id, occurredAt, actor, clientAddress, action, entityType, entityName, details);
    }
}
