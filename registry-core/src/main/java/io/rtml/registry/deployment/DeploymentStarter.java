package io.rtml.registry.deployment;

import io.rtml.deployment.DeploymentKind;
import io.rtml.deployment.DeploymentStatus;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.registry.access.Actor;
import io.rtml.registry.audit.AuditLog;
import io.rtml.registry.gallery.ServiceEntry;
import io.rtml.registry.gallery.ServiceTarget;
import io.rtml.registry.gallery.ServiceTargetRepository;
import io.rtml.registry.target.Target;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Records a new deployment of any kind: one PENDING row, one row per target with the version it
 * serves now, and the audit event. The caller holds the service's row lock, so the check that no
 * other deployment is in flight cannot race (the schema's partial unique index backs it up).
 */
@Component
class DeploymentStarter {

    private final ServiceTargetRepository serviceTargets;
    private final DeploymentRepository deployments;
    private final DeploymentTargetRepository deploymentTargets;
    private final DeploymentViews views;
    private final AuditLog audit;
    private final Clock clock;

    DeploymentStarter(ServiceTargetRepository serviceTargets, DeploymentRepository deployments,
            DeploymentTargetRepository deploymentTargets, DeploymentViews views, AuditLog audit, Clock clock) {
        this.serviceTargets = serviceTargets;
        this.deployments = deployments;
        this.deploymentTargets = deploymentTargets;
        this.views = views;
        this.audit = audit;
        this.clock = clock;
    }

    DeploymentResponse start(ServiceEntry service, DeploymentKind kind, int version, boolean deletesService,
            List<Target> where, Actor actor) {
        refuseIfBusy(service);
        Deployment deployment = deployments.saveAndFlush(new Deployment(service.id(), kind, version, deletesService,
                actor.name(), clock.instant()));
        Map<Long, Integer> active = serviceTargets.findByKeyServiceId(service.id()).stream()
                // a null desired version marks a row rebound to another model: its active version
                // is the old model's number, which a rollback or undeploy must not restore
                .filter(st -> st.desiredVersion() != null && st.activeVersion() != null)
                .collect(Collectors.toMap(ServiceTarget::targetId, ServiceTarget::activeVersion));
        for (Target target : where) {
            deploymentTargets.save(new DeploymentTarget(deployment.id(), target.id(), active.get(target.id())));
        }
        String action = deletesService ? "service.delete.request"
                : kind == DeploymentKind.DEPLOY ? "deployment.request"
                : kind.name().toLowerCase(Locale.ROOT) + ".request";
        audit.record(actor, action, "service", service.name(), Map.of("deploymentId", deployment.id(),
                "version", version, "targets", where.stream().map(Target::name).toList()));
        deploymentTargets.flush();
        return views.of(List.of(deployment), service.name()).get(0);
    }

    void refuseIfBusy(ServiceEntry service) {
        deployments.findFirstByServiceIdAndStatusIn(service.id(), DeploymentStatus.IN_FLIGHT).ifPresent(running -> {
            throw new RtmlException(ErrorCode.DEPLOYMENT_IN_PROGRESS, "service '" + service.name()
                    + "' is being deployed by deployment " + running.id() + "; wait for it or watch "
                    + "/api/v1/services/" + service.name() + "/deployments/" + running.id());
        });
    }
}
