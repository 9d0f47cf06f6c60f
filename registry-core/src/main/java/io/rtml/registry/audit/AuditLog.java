package io.rtml.registry.audit;

import io.rtml.registry.access.Actor;
import io.rtml.registry.paging.Page;
import io.rtml.registry.paging.PageRequest;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The append-only trail of who changed what. Mutations record their event inside their own
 * transaction, so a change and its audit entry commit or roll back together.
 */
@Service
public class AuditLog {

    private final AuditEventRepository events;
    private final Clock clock;

    AuditLog(AuditEventRepository events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void record(Actor actor, String action, String entityType, String entityName, Map<String, Object> details) {
        events.save(new AuditEvent(clock.instant(), actor, action, entityType, entityName, details));
    }

    /** For events that belong to no other transaction, such as a refused request. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void recordAlone(Actor actor, String action, String entityType, String entityName, Map<String, Object> details) {
        record(actor, action, entityType, entityName, details);
    }

    @Transactional(readOnly = true)
    public Page<AuditEventResponse> list(PageRequest page) {
        long before = page.token() == null ? Long.MAX_VALUE : page.token().asLong();
        List<AuditEventResponse> rows = events.findByIdLessThanOrderByIdDesc(before, Limit.of(page.size() + 1))
                .stream().map(AuditEvent::toResponse).toList();
        return Page.of(rows, page.size(), last -> String.valueOf(last.id()));
    }
}
