package io.rtml.registry.deployment;

import io.rtml.deployment.DeploymentKind;
import io.rtml.deployment.DeploymentRequests;
import io.rtml.deployment.DeploymentStatus;
import io.rtml.deployment.Rollout;
import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.registry.access.Actor;
import io.rtml.registry.gallery.ServiceEntry;
import io.rtml.registry.target.Target;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Records a new deployment of any kind through the deployment module (one PENDING row, one row per
 * target with the version it serves now, and the audit event) and answers with it as stored. The
 * caller holds the service's row lock, so the check that no other deployment is in flight cannot
 * race (the schema's partial unique index backs it up).
 */
@Component
class DeploymentStarter {

    private final DeploymentRequests requests;
    private final DeploymentRepository deployments;
    private final DeploymentViews views;
    private final Clock clock;
    private final EntityManager entities;

    DeploymentStarter(DeploymentRequests requests, DeploymentRepository deployments, DeploymentViews views,
            Clock clock, EntityManager entities) {
        this.entities = entities;
        this.requests = requests;
        this.deployments = deployments;
        this.views = views;
        this.clock = clock;
    }

    DeploymentResponse start(ServiceEntry service, DeploymentKind kind, int version, boolean deletesService,
            List<Target> where, Actor actor) {
        return start(service, kind, version, deletesService, where, actor, Map.of());
    }

    /** As above; {@code auditDetails} are added to the deployment's audit event. */
    DeploymentResponse start(ServiceEntry service, DeploymentKind kind, int version, boolean deletesService,
            List<Target> where, Actor actor, Map<String, Object> auditDetails) {
        return start(service, kind, version, deletesService, where, actor, auditDetails, null);
    }

    /** As above, rolled out by {@code rollout} (validated; null: all targets at once). */
    DeploymentResponse start(ServiceEntry service, DeploymentKind kind, int version, boolean deletesService,
            List<Target> where, Actor actor, Map<String, Object> auditDetails, Rollout rollout) {
        return start(service, kind, version, deletesService, where, actor, auditDetails, rollout,
                DeploymentRequests.Fleet.NONE);
    }

    /** As above, in waves ({@code fleet}: the checked plan and each target's wave). */
    DeploymentResponse start(ServiceEntry service, DeploymentKind kind, int version, boolean deletesService,
            List<Target> where, Actor actor, Map<String, Object> auditDetails, Rollout rollout,
            DeploymentRequests.Fleet fleet) {
        refuseIfBusy(service);
        // The module writes with JDBC in this transaction: anything changed through JPA must reach the database first.
        entities.flush();
        long id = requests.start(service.id(), service.name(), kind, version, deletesService,
                where.stream().map(Target::id).toList(), where.stream().map(Target::name).toList(),
                new DeploymentRequests.Requester(actor.name(), actor.address()), clock.instant(), auditDetails,
                rollout, fleet);
        Deployment deployment = deployments.findById(id).orElseThrow();
        return views.of(List.of(deployment), service.name()).get(0);
    }

    /** Asks the deployer for a decision on a rollout by hand; 409 NOT_ROLLING_OUT when it is not rolling out. */
    DeploymentResponse decide(ServiceEntry service, Deployment deployment, String decision, Actor actor) {
        if (!requests.decide(service.id(), service.name(), deployment.id(), decision,
                new DeploymentRequests.Requester(actor.name(), actor.address()), clock.instant())) {
            throw new RtmlException(ErrorCode.NOT_ROLLING_OUT, "deployment " + deployment.id() + " of service '"
                    + service.name() + "' is not rolling out (it is " + deployment.status() + ")");
        }
        entities.refresh(deployment); // the row changed under the entity loaded before
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
