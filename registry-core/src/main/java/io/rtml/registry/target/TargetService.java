package io.rtml.registry.target;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.registry.access.Actor;
import io.rtml.registry.access.Role;
import io.rtml.registry.audit.AuditLog;
import io.rtml.registry.model.Names;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Registers the scoring nodes that services are deployed to. */
@Service
public class TargetService {

    private final TargetRepository targets;
    private final AuditLog audit;
    private final Clock clock;

    TargetService(TargetRepository targets, AuditLog audit, Clock clock) {
        this.targets = targets;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    public TargetResponse create(CreateTargetRequest request, Actor actor) {
        actor.requireUnscoped(Role.DEPLOYER);
        Names.checkModelName(request.name());
        Names.checkTags(request.labels());
        TargetUrls.checkBaseUrl(request.baseUrl());
        if (targets.existsByName(request.name())) {
            throw exists(request.name(), null);
        }
        Target target;
        try {
            target = targets.saveAndFlush(new Target(request, actor.name(), clock.instant()));
        } catch (DataIntegrityViolationException e) {
            throw exists(request.name(), e);
        }
        audit.record(actor, "target.create", "target", request.name(),
                Map.of("kind", request.kind().name(), "region", request.region(), "baseUrl", request.baseUrl()));
        return target.toResponse();
    }

    @Transactional(readOnly = true)
    public List<TargetResponse> list() {
        return targets.findAllByOrderByName().stream().map(Target::toResponse).toList();
    }

    @Transactional(readOnly = true)
    public TargetResponse get(String name) {
        return find(name).toResponse();
    }

    @Transactional
    public TargetResponse update(String name, UpdateTargetRequest request, Actor actor) {
        actor.requireUnscoped(Role.DEPLOYER);
        Target target = find(name);
        if (request.labels() != null) {
            Names.checkTags(request.labels());
        }
        if (request.baseUrl() != null) {
            TargetUrls.checkBaseUrl(request.baseUrl());
        }
        target.update(request, clock.instant());
        audit.record(actor, "target.update", "target", name, Map.of());
        return target.toResponse();
    }

    @Transactional
    public void delete(String name, Actor actor) {
        actor.requireUnscoped(Role.ADMIN);
        targets.delete(find(name));
        audit.record(actor, "target.delete", "target", name, Map.of());
    }

    public Target find(String name) {
        return targets.findByName(name).orElseThrow(() -> new RtmlException(ErrorCode.TARGET_NOT_FOUND,
                "no target named '" + name + "'"));
    }

    private static RtmlException exists(String name, Throwable cause) {
        return new RtmlException(ErrorCode.CONFLICT, "a target named '" + name + "' already exists", cause);
    }
}
