package io.rtml.registry.deployment;

import io.rtml.deployment.DeploymentKind;
import io.rtml.deployment.DeploymentRequests;
import io.rtml.deployment.Rollout;
import io.rtml.deployment.WavePlan;
import java.util.Set;
import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.registry.access.Actor;
import io.rtml.registry.access.Resource;
import io.rtml.registry.access.Role;
import io.rtml.registry.gallery.ServiceEntry;
import io.rtml.registry.gallery.ServiceEntryRepository;
import io.rtml.registry.gallery.ServiceTarget;
import io.rtml.registry.gallery.ServiceTargetRepository;
import io.rtml.registry.paging.Page;
import io.rtml.registry.paging.PageRequest;
import io.rtml.registry.target.Target;
import io.rtml.registry.target.TargetRepository;
import io.rtml.registry.version.VersionService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Accepts deployment, rollback and undeployment requests: it records them (PENDING, one row per target) and
 * the schema wakes the deployers (a NOTIFY trigger); the deployer process carries them out. A rollback is a new deployment of
 * an older version, so history is never rewritten. A deployment is checked by the {@link SignatureGuard}; a
 * rollback to a target's previous version is not (it served there before), a rollback to any other version is.
 */
@Service
public class DeploymentService {

    private final ServiceEntryRepository services;
    private final TargetRepository targets;
    private final ServiceTargetRepository serviceTargets;
    private final DeploymentRepository deployments;
    private final DeploymentViews views;
    private final VersionService versions;
    private final DeploymentStarter starter;
    private final ServiceRemoval removal;
    private final SignatureGuard guard;
    private final RolloutDefaults rolloutDefaults;

    DeploymentService(ServiceEntryRepository services, TargetRepository targets, ServiceTargetRepository serviceTargets,
            DeploymentRepository deployments, DeploymentViews views, VersionService versions,
            DeploymentStarter starter, ServiceRemoval removal, SignatureGuard guard, RolloutDefaults rolloutDefaults) {
        this.services = services;
        this.targets = targets;
        this.serviceTargets = serviceTargets;
        this.deployments = deployments;
        this.views = views;
        this.versions = versions;
        this.starter = starter;
        this.removal = removal;
        this.guard = guard;
        this.rolloutDefaults = rolloutDefaults;
    }

    @Transactional
    public DeploymentResponse deploy(String serviceName, DeployRequest request, Actor actor) {
        actor.require(Role.DEPLOYER, Resource.SERVICE, serviceName);
        if (request.undeploys() && (request.waves() != null || request.bakeSeconds() != null
                || request.maxFailedPercent() != null)) {
            throw new RtmlException(ErrorCode.VALIDATION_FAILED, "an UNDEPLOY has no waves: it is all or nothing on"
                    + " the targets that answer; only offline (\"fail\" or \"converge\") applies to it");
        }
        if (request.undeploys()) {
            return removal.undeploy(serviceName, request, actor);
        }
        if (request.kind() == DeploymentKind.ROLLBACK) {
            throw new RtmlException(ErrorCode.VALIDATION_FAILED,
                    "a rollback has its own endpoint: POST /api/v1/services/" + serviceName + "/rollback");
        }
        ServiceEntry service = services.lockByName(serviceName).orElseThrow(() -> notFound(serviceName));
        if ((request.version() == null) == (request.alias() == null)) {
            throw new RtmlException(ErrorCode.VALIDATION_FAILED, "give either a version number or an alias");
        }
        // the request's own rollout fields are checked before anything is looked up; the default's after the targets
        RolloutChoice asked = request.choice();
        RolloutChoice.Resolved how = asked.saysNothing() ? null : asked.resolve("", rolloutDefaults.guardrails());
        String ref = request.version() != null ? request.version().toString() : request.alias();
        int version = versions.resolveNumber(service.modelId(), ref);
        List<Target> chosen = TargetSelection.select(request.targets(), request.selector(), service.selector(),
                targets.findAllByOrderByName());
        boolean byDefault = how == null;
        if (byDefault) {
            how = byDefault(service, chosen);
        }
        Rollout rollout = how.rollout();
        WavePlan plan = how.plan();
        Map<Long, Integer> waveOf = Map.of();
        if (plan != null) {
            waveOf = plan.assign(chosen.stream().map(Selectors::candidate).toList());
            Set<Long> placed = waveOf.keySet();
            chosen = chosen.stream().filter(t -> placed.contains(t.id())).toList();
            if (chosen.isEmpty()) {
                throw new RtmlException(ErrorCode.VALIDATION_FAILED, "no wave takes any of the chosen targets",
                        List.of(new RtmlException.FieldError(byDefault ? "defaultRollout.waves" : "waves",
                                "no target in any wave")), null);
            }
        }
        starter.refuseIfBusy(service);
        Map<String, Object> details = new LinkedHashMap<>(guard.check(service, version, request.signatureChangeAllowed()));
        if (byDefault && (rollout != null || plan != null)) {
            details.put("rolloutFrom", "defaultRollout"); // the audit event says the strategy was the service's
        }
        return starter.start(service, DeploymentKind.DEPLOY, version, false, chosen, actor, details, rollout,
                new DeploymentRequests.Fleet(plan, waveOf, null));
    }

    /**
     * The service's default rollout for a request that names none, on the chosen targets. A canary, linear or
     * shadow default needs a stable version to judge the candidate against: where none of the targets runs the
     * service yet (its first installation) every target switches at once; where only some do, the request is
     * refused (it says which), since the others would fail the traffic split.
     */
    private RolloutChoice.Resolved byDefault(ServiceEntry service, List<Target> chosen) {
        RolloutChoice.Resolved how = defaultOn(service, rolloutDefaults);
        if (how.rollout() == null) {
            return how;
        }
        List<String> fresh = notRunning(service, chosen, serviceTargets).stream().map(Target::name).toList();
        if (fresh.size() == chosen.size()) {
            return RolloutChoice.Resolved.AT_ONCE;
        }
        if (!fresh.isEmpty()) {
            throw new RtmlException(ErrorCode.VALIDATION_FAILED, "the service's default " + how.rollout().type()
                    + " rollout needs the version it replaces on every target, and " + String.join(", ", fresh)
                    + " run" + (fresh.size() == 1 ? "s" : "") + " none yet: deploy to those first, or give a strategy"
                    + " ({\"type\": \"all-at-once\"} to switch every target at once)",
                    List.of(new RtmlException.FieldError("targets", "run no version of the service: "
                            + String.join(", ", fresh))), null);
        }
        return how;
    }

    /** The service's default rollout, resolved; at once when it has none. */
    static RolloutChoice.Resolved defaultOn(ServiceEntry service, RolloutDefaults defaults) {
        RolloutChoice choice = service.defaultRollout();
        return choice == null ? RolloutChoice.Resolved.AT_ONCE : choice.resolve("defaultRollout.", defaults.guardrails());
    }

    /** The targets among {@code where} that run no version of the service. */
    static List<Target> notRunning(ServiceEntry service, List<Target> where, ServiceTargetRepository serviceTargets) {
        Set<Long> running = serviceTargets.findByKeyServiceId(service.id()).stream()
                .filter(st -> st.activeVersion() != null).map(ServiceTarget::targetId).collect(Collectors.toSet());
        return where.stream().filter(t -> !running.contains(t.id())).toList();
    }

    /** PROMOTE (the next step now, or finish) or ABORT (roll back now) a rollout by hand. */
    @Transactional
    public DeploymentResponse decide(String serviceName, long id, String decision, Actor actor) {
        actor.require(Role.DEPLOYER, Resource.SERVICE, serviceName);
        ServiceEntry service = services.lockByName(serviceName).orElseThrow(() -> notFound(serviceName));
        Deployment deployment = deployments.findByIdAndServiceId(id, service.id()).orElseThrow(() -> new RtmlException(
                ErrorCode.DEPLOYMENT_NOT_FOUND, "service '" + serviceName + "' has no deployment " + id));
        return starter.decide(service, deployment, decision, actor);
    }

    @Transactional
    public DeploymentResponse rollback(String serviceName, RollbackRequest request, Actor actor) {
        actor.require(Role.DEPLOYER, Resource.SERVICE, serviceName);
        ServiceEntry service = services.lockByName(serviceName).orElseThrow(() -> notFound(serviceName));
        List<ServiceTarget> running = serviceTargets.findByKeyServiceId(service.id()).stream()
                .filter(st -> st.activeVersion() != null).toList();
        if (running.isEmpty()) {
            throw new RtmlException(ErrorCode.NOTHING_TO_ROLL_BACK, "service '" + serviceName + "' runs nowhere yet");
        }
        int version = request.toVersion() != null ? versions.resolveNumber(service.modelId(), request.toVersion().toString())
                : mostCommonPrevious(running, serviceName);
        WavePlan plan = request.plan();
        if (plan != null) {
            Selectors.check(plan);
        }
        List<Target> where = targets.findAllById(running.stream().map(ServiceTarget::targetId).toList());
        starter.refuseIfBusy(service);
        Map<String, Object> override = servedBefore(running, version) ? Map.of()
                : guard.check(service, version, request.signatureChangeAllowed());
        return starter.start(service, DeploymentKind.ROLLBACK, version, false, where, actor, override, null,
                new DeploymentRequests.Fleet(plan, Map.of(), null));
    }

    /**
     * Whether {@code version} is what a target ran before its current version (since the service's last rebind:
     * a rebind forgets the desired and previous versions). Only such a rollback skips the signature guard; an
     * explicit {@code toVersion} that never served there is a deployment like any other.
     */
    private static boolean servedBefore(List<ServiceTarget> running, int version) {
        return running.stream().anyMatch(st -> st.desiredVersion() != null && Integer.valueOf(version).equals(st.previousVersion()));
    }

    @Transactional(readOnly = true)
    public DeploymentResponse get(String serviceName, long id) {
        ServiceEntry service = services.findByName(serviceName).orElseThrow(() -> notFound(serviceName));
        Deployment deployment = deployments.findByIdAndServiceId(id, service.id()).orElseThrow(() -> new RtmlException(
                ErrorCode.DEPLOYMENT_NOT_FOUND, "service '" + serviceName + "' has no deployment " + id));
        return views.of(List.of(deployment), serviceName).get(0);
    }

    @Transactional(readOnly = true)
    public Page<DeploymentResponse> list(String serviceName, PageRequest page) {
        ServiceEntry service = services.findByName(serviceName).orElseThrow(() -> notFound(serviceName));
        long before = page.token() == null ? Long.MAX_VALUE : page.token().asLong();
        List<Deployment> rows = deployments.findByServiceIdAndIdLessThanOrderByIdDesc(service.id(), before,
                Limit.of(page.size() + 1));
        return Page.of(views.of(rows, serviceName), page.size(), d -> String.valueOf(d.id()));
    }

    private static int mostCommonPrevious(List<ServiceTarget> running, String serviceName) {
        return running.stream()
                .filter(st -> st.previousVersion() != null)
                .collect(Collectors.groupingBy(ServiceTarget::previousVersion, Collectors.counting()))
                .entrySet().stream()
                .max(Map.Entry.<Integer, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey)
                .orElseThrow(() -> new RtmlException(ErrorCode.NOTHING_TO_ROLL_BACK,
                        "service '" + serviceName + "' has run only one version; give toVersion"));
    }

    static RtmlException notFound(String serviceName) {
        return new RtmlException(ErrorCode.SERVICE_NOT_FOUND, "no service named '" + serviceName + "'");
    }
}
