package io.rtml.registry.deployment;

import io.rtml.deployment.DeploymentKind;
import io.rtml.deployment.DeploymentRequests;
import io.rtml.deployment.WavePlan;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.registry.access.Actor;
import io.rtml.registry.access.Resource;
import io.rtml.registry.access.Role;
import io.rtml.registry.audit.AuditLog;
import io.rtml.registry.gallery.ServiceEntry;
import io.rtml.registry.gallery.ServiceEntryRepository;
import io.rtml.registry.gallery.ServiceTarget;
import io.rtml.registry.gallery.ServiceTargetRepository;
import io.rtml.registry.target.Target;
import io.rtml.registry.target.TargetRepository;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The ways out: take a service off some targets (an UNDEPLOY deployment), or delete it, which
 * first takes it off every target it may have reached and lets the deployer delete the row when
 * that succeeded. An UNDEPLOY has no version: its {@code version} is 0.
 */
@Service
public class ServiceRemoval {

    private final ServiceEntryRepository services;
    private final TargetRepository targets;
    private final ServiceTargetRepository serviceTargets;
    private final DeploymentTargetRepository deploymentTargets;
    private final DeploymentStarter starter;
    private final AuditLog audit;

    ServiceRemoval(ServiceEntryRepository services, TargetRepository targets, ServiceTargetRepository serviceTargets,
            DeploymentTargetRepository deploymentTargets, DeploymentStarter starter, AuditLog audit) {
        this.services = services;
        this.targets = targets;
        this.serviceTargets = serviceTargets;
        this.deploymentTargets = deploymentTargets;
        this.starter = starter;
        this.audit = audit;
    }

    /**
     * Takes the service off the chosen targets (default: every target it runs on); with
     * {@code offline: converge} the unreachable ones are left PENDING for reconciliation.
     */
    @Transactional
    public DeploymentResponse undeploy(String serviceName, DeployRequest request, Actor actor) {
        actor.require(Role.DEPLOYER, Resource.SERVICE, serviceName);
        if (request.version() != null || request.alias() != null) {
            throw new RtmlException(ErrorCode.VALIDATION_FAILED, "an UNDEPLOY takes no version or alias, only targets");
        }
        WavePlan plan = request.undeployPlan();
        if (plan != null) {
            Selectors.check(plan);
        }
        ServiceEntry service = services.lockByName(serviceName).orElseThrow(() -> DeploymentService.notFound(serviceName));
        Set<Long> placed = serviceTargets.findByKeyServiceId(service.id()).stream().map(ServiceTarget::targetId)
                .collect(Collectors.toSet());
        List<Target> all = targets.findAllByOrderByName();
        List<Target> chosen = request.targets() == null ? all.stream().filter(t -> placed.contains(t.id())).toList()
                : TargetSelection.select(request.targets(), all);
        Set<String> elsewhere = new TreeSet<>();
        if (request.targets() != null && request.targets().isArray()) {
            chosen.stream().filter(t -> !placed.contains(t.id())).forEach(t -> elsewhere.add(t.name()));
        }
        if (!elsewhere.isEmpty()) {
            throw new RtmlException(ErrorCode.VALIDATION_FAILED, "service '" + serviceName + "' does not run on "
                    + String.join(", ", elsewhere));
        }
        List<Target> where = chosen.stream().filter(t -> placed.contains(t.id())).toList();
        if (where.isEmpty()) {
            throw new RtmlException(ErrorCode.VALIDATION_FAILED, "service '" + serviceName
                    + "' runs on none of the chosen targets; nothing to undeploy");
        }
        return starter.start(service, DeploymentKind.UNDEPLOY, 0, false, where, actor, Map.of(), null,
                new DeploymentRequests.Fleet(plan, Map.of(), null));
    }

    /**
     * Deletes the service. When it may hold versions on some node (a placement, or any deployment
     * that reached a target), an UNDEPLOY from all of them starts and the deployer deletes the
     * service once it succeeded; otherwise the row goes now and the result is empty.
     */
    @Transactional
    public Optional<DeploymentResponse> delete(String serviceName, Actor actor) {
        actor.require(Role.DEPLOYER, Resource.SERVICE, serviceName);
        ServiceEntry service = services.lockByName(serviceName).orElseThrow(() -> DeploymentService.notFound(serviceName));
        starter.refuseIfBusy(service);
        Set<Long> reached = new TreeSet<>(deploymentTargets.findTargetIdsOfService(service.id()));
        serviceTargets.findByKeyServiceId(service.id()).forEach(st -> reached.add(st.targetId()));
        List<Target> where = targets.findAllById(reached);
        if (where.isEmpty()) {
            services.delete(service);
            services.flush();
            audit.record(actor, "service.delete", "service", serviceName, Map.of("undeployedFrom", List.of()));
            return Optional.empty();
        }
        return Optional.of(starter.start(service, DeploymentKind.UNDEPLOY, 0, true, where, actor));
    }
}
