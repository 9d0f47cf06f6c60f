package io.rtml.registry.audit;

import static io.rtml.problem.ErrorCode.INVALID_PAGE_TOKEN;

import io.rtml.registry.access.Role;
import io.rtml.registry.access.Actor;
import io.rtml.registry.api.Paging;
import io.rtml.registry.apidocs.ProblemCodes;
import io.rtml.registry.paging.Page;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "audit")
class AuditController {

    private final AuditLog audit;
    private final Paging paging;

    AuditController(AuditLog audit, Paging paging) {
        this.audit = audit;
        this.paging = paging;
    }

    /** The audit log, newest first. */
    @ProblemCodes({INVALID_PAGE_TOKEN})
    @GetMapping("/api/v1/audit")
    Page<AuditEventResponse> list(@RequestParam(required = false) Integer pageSize,
            @RequestParam(required = false) String pageToken, Actor actor) {
        actor.requireUnscoped(Role.VIEWER); // it covers every model, service, target and token
        return audit.list(paging.of(pageSize, pageToken));
    }
}
