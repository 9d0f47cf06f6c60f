package io.rtml.registry.deployment;

import io.rtml.deployment.DeploymentKind;
import io.rtml.deployment.DeploymentRequests;
import io.rtml.deployment.DeploymentStatus;
import io.rtml.problem.RtmlException;
import io.rtml.registry.audit.AuditLog;
import io.rtml.registry.gallery.ServiceEntry;
import io.rtml.registry.gallery.ServiceEntryRepository;
import io.rtml.registry.gallery.ServiceTarget;
import io.rtml.registry.gallery.ServiceTargetRepository;
import io.rtml.registry.model.AliasMoved;
import io.rtml.registry.target.Target;
import io.rtml.registry.target.TargetRepository;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Services that follow an alias: when the alias moves, each one gets a deployment of the new version,
 * requested in the transaction of the move (so the two commit together, and a crash loses neither), on
 * the targets its selector matches when it has one, else the targets it runs on (every target when it runs
 * nowhere yet), rolled out by the service's {@code defaultRollout} (see {@link DeploymentService}: a canary
 * default goes where the service runs already, and a first installation switches at once), with the move
 * recorded as its {@code cause}: a sentence in {@code deployment.cause} (shown
 * in the deployment's response) and the move's fields in the audit event. Moving the alias is the deployment decision: whoever may move it deploys the services that
 * chose to follow it.
 *
 * <p>A follow the registry cannot start (another deployment of the service in flight, a version that
 * would break the callers of the running one, no target) is recorded as a {@code deployment.refused}
 * event instead; the move itself always stands. The checks run before anything is written and none of
 * them throws through a transactional proxy, so a refusal never marks the move's transaction for rollback.
 */
@Component
class AliasFollowers {

    private static final Logger log = LoggerFactory.getLogger(AliasFollowers.class);

    private final ServiceEntryRepository services;
    private final ServiceTargetRepository serviceTargets;
    private final TargetRepository targets;
    private final DeploymentRepository deployments;
    private final SignatureGuard guard;
    private final DeploymentStarter starter;
    private final AuditLog audit;
    private final RolloutDefaults rolloutDefaults;

    AliasFollowers(ServiceEntryRepository services, ServiceTargetRepository serviceTargets, TargetRepository targets,
            DeploymentRepository deployments, SignatureGuard guard, DeploymentStarter starter, AuditLog audit,
            RolloutDefaults rolloutDefaults) {
        this.rolloutDefaults = rolloutDefaults;
        this.services = services;
        this.serviceTargets = serviceTargets;
        this.targets = targets;
        this.deployments = deployments;
        this.guard = guard;
        this.starter = starter;
        this.audit = audit;
    }

    @EventListener
    void aliasMoved(AliasMoved moved) {
        for (ServiceEntry service : services.lockFollowers(moved.modelId(), moved.alias())) {
            follow(service, moved);
        }
    }

    private void follow(ServiceEntry service, AliasMoved moved) {
        Map<String, Object> cause = new LinkedHashMap<>();
        cause.put("event", "alias.moved");
        cause.put("model", moved.model());
        cause.put("alias", moved.alias());
        cause.put("version", moved.version());
        cause.put("movedBy", moved.movedBy().name());
        List<Target> where;
        List<ServiceTarget> placed = serviceTargets.findByKeyServiceId(service.id());
        if (service.selector() != null) {
            // the service chose its targets by labels: the follow goes where the selector points, no further
            try {
                where = TargetSelection.select(null, null, service.selector(), targets.findAllByOrderByName());
            } catch (RtmlException none) {
                refuse(service, moved, cause, "NO_TARGET", none.getMessage(), Map.of());
                return;
            }
        } else {
            List<ServiceTarget> running = placed.stream().filter(st -> st.activeVersion() != null).toList();
            where = running.isEmpty() ? targets.findAllByOrderByName()
                    : targets.findAllById(running.stream().map(ServiceTarget::targetId).toList());
        }
        if (alreadyThere(placed, where, moved.version())) {
            return; // it runs that version everywhere already (the alias moved back, say)
        }
        Optional<Deployment> busy = deployments.findFirstByServiceIdAndStatusIn(service.id(), DeploymentStatus.IN_FLIGHT);
        if (busy.isPresent()) {
            refuse(service, moved, cause, "DEPLOYMENT_IN_PROGRESS", "deployment " + busy.get().id()
                    + " of the service is in flight; deploy version " + moved.version() + " when it ends", Map.of());
            return;
        }
        if (where.isEmpty()) {
            refuse(service, moved, cause, "NO_TARGET", "no target is registered", Map.of());
            return;
        }
        RolloutChoice.Resolved how;
        try {
            how = DeploymentService.defaultOn(service, rolloutDefaults);
        } catch (RtmlException invalid) { // checked when it was set; only a registry changed since can refuse it
            refuse(service, moved, cause, invalid.code().name(), invalid.getMessage(), Map.of());
            return;
        }
        if (how.rollout() != null) {
            List<Target> fresh = DeploymentService.notRunning(service, where, serviceTargets);
            if (fresh.size() == where.size()) {
                how = RolloutChoice.Resolved.AT_ONCE; // the first installation: no stable version to judge against
            } else if (!fresh.isEmpty()) {
                // targets the selector took in since the last deployment: the canary goes where the service runs,
                // and the selector follower brings the others the version once it is active
                where = where.stream().filter(t -> !fresh.contains(t)).toList();
            }
        }
        Map<Long, Integer> waveOf = Map.of();
        if (how.plan() != null) {
            waveOf = how.plan().assign(where.stream().map(Selectors::candidate).toList());
            Set<Long> inAWave = waveOf.keySet();
            where = where.stream().filter(t -> inAWave.contains(t.id())).toList();
            if (where.isEmpty()) {
                refuse(service, moved, cause, "NO_TARGET", "no wave of the service's default rollout takes any of its"
                        + " targets", Map.of());
                return;
            }
        }
        Map<String, Object> details;
        try {
            details = new LinkedHashMap<>(guard.check(service, moved.version(), false));
        } catch (RtmlException refused) {
            refuse(service, moved, cause, refused.code().name(), refused.getMessage(), refused.extensions());
            return;
        }
        details.put("cause", cause);
        if (how.rollout() != null || how.plan() != null) {
            details.put("rolloutFrom", "defaultRollout");
        }
        String why = "alias " + moved.alias() + " of " + moved.model() + " moved to version " + moved.version()
                + " by " + moved.movedBy().name();
        DeploymentResponse started = starter.start(service, DeploymentKind.DEPLOY, moved.version(), false, where,
                moved.movedBy(), details, how.rollout(), new DeploymentRequests.Fleet(how.plan(), waveOf, why));
        log.info("service {} follows {}@{}: deployment {} of version {} requested", service.name(), moved.model(),
                moved.alias(), started.id(), moved.version());
    }

    /** True when every one of {@code where} has the version as its desired one already. */
    private static boolean alreadyThere(List<ServiceTarget> placed, List<Target> where, int version) {
        Map<Long, Integer> desired = new HashMap<>();
        placed.forEach(st -> desired.put(st.targetId(), st.desiredVersion()));
        return !where.isEmpty() && where.stream().allMatch(t -> Integer.valueOf(version).equals(desired.get(t.id())));
    }

    private void refuse(ServiceEntry service, AliasMoved moved, Map<String, Object> cause, String code, String why,
            Map<String, Object> extensions) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("version", moved.version());
        details.put("code", code);
        details.put("reason", why);
        details.putAll(extensions);
        details.put("cause", cause);
        audit.record(moved.movedBy(), "deployment.refused", "service", service.name(), details);
        log.info("service {} follows {}@{} but version {} was not deployed: {}", service.name(), moved.model(),
                moved.alias(), moved.version(), why);
    }
}
