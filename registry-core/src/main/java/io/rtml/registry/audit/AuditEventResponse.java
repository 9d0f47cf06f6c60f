package io.rtml.registry.audit;

import java.time.Instant;
import java.util.Map;

/** One entry of the audit log as the API shows it. */
public record AuditEventResponse(long id, Instant occurredAt, String actor, String clientAddress, String action,
        String entityType, String entityName, Map<String, Object> details) {}
