package io.rtml.registry.target;

import io.rtml.deployment.NodeCredentialProperties;
import io.rtml.deployment.NodeCredentials;
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

/**
 * Registers the scoring nodes that services are deployed to. A target's base URL must pass the
 * {@link TargetUrlPolicy}, and each target gets its own node credential, shown once: at
 * registration, when an admin moves it to another URL, and when an admin rotates it.
 */
@Service
public class TargetService {

    private final TargetRepository targets;
    private final AuditLog audit;
    private final Clock clock;
    private final TargetUrlPolicy urls;
    private final NodeCredentials credentials;

    TargetService(TargetRepository targets, AuditLog audit, Clock clock, TargetUrlPolicy urls,
            NodeCredentialProperties credentials) {
        this.targets = targets;
        this.audit = audit;
        this.clock = clock;
        this.urls = urls;
        this.credentials = new NodeCredentials(credentials);
    }

    @Transactional
    public TargetResponse create(CreateTargetRequest request, Actor actor) {
        actor.requireUnscoped(Role.DEPLOYER);
        Names.checkModelName(request.name());
        Names.checkTags(request.labels());
        urls.check(request.baseUrl());
        if (targets.existsByName(request.name())) {
            throw exists(request.name(), null);
        }
        Target target = new Target(request, actor.name(), clock.instant());
        String credential = issueCredential(target);
        try {
            target = targets.saveAndFlush(target);
        } catch (DataIntegrityViolationException e) {
            throw exists(request.name(), e);
        }
        audit.record(actor, "target.create", "target", request.name(),
                Map.of("kind", request.kind().name(), "region", request.region(), "baseUrl", request.baseUrl()));
        return target.toResponse().withNodeCredential(credential);
    }

    /** A new node credential for the target; the old one stops working at once. Admins only. */
    @Transactional
    public TargetResponse rotateCredential(String name, Actor actor) {
        actor.requireUnscoped(Role.ADMIN);
        Target target = find(name);
        String credential = issueCredential(target);
        audit.record(actor, "target.rotate-credential", "target", name, Map.of());
        return target.toResponse().withNodeCredential(credential);
    }

    private String issueCredential(Target target) {
        if (!credentials.configured()) {
            throw new RtmlException(ErrorCode.NODE_CREDENTIALS_UNCONFIGURED, NodeCredentials.UNCONFIGURED);
        }
        String salt = NodeCredentials.newSalt();
        String credential = credentials.derive(target.name(), salt);
        target.issueCredential(salt, credential, clock.instant());
        return credential;
    }

    @Transactional(readOnly = true)
    public List<TargetResponse> list() {
        return targets.findAllByOrderByName().stream().map(Target::toResponse).toList();
    }

    @Transactional(readOnly = true)
    public TargetResponse get(String name) {
        return find(name).toResponse();
    }

    /**
     * Moving a target to another base URL is an admin's change and gives it a new node credential:
     * otherwise whoever moved it would receive the credential of the node that was there.
     */
    @Transactional
    public TargetResponse update(String name, UpdateTargetRequest request, Actor actor) {
        actor.requireUnscoped(Role.DEPLOYER);
        Target target = find(name);
        boolean moves = request.baseUrl() != null && !request.baseUrl().equals(target.baseUrl());
        if (moves) {
            actor.requireUnscoped(Role.ADMIN);
            urls.check(request.baseUrl());
        }
        if (request.labels() != null) {
            Names.checkTags(request.labels());
        }
        target.update(request, clock.instant());
        String credential = moves ? issueCredential(target) : null;
        audit.record(actor, "target.update", "target", name, moves ? Map.of("baseUrl", request.baseUrl()) : Map.of());
        return target.toResponse().withNodeCredential(credential);
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
