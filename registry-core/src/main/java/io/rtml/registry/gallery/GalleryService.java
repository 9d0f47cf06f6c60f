package io.rtml.registry.gallery;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.registry.access.Actor;
import io.rtml.registry.access.Resource;
import io.rtml.registry.access.Role;
import io.rtml.registry.audit.AuditLog;
import io.rtml.registry.deployment.DeploymentRepository;
import io.rtml.registry.deployment.DeploymentResponse;
import io.rtml.deployment.DeploymentStatus;
import io.rtml.registry.deployment.DeploymentViews;
import io.rtml.registry.model.ModelService;
import io.rtml.registry.model.Names;
import io.rtml.registry.model.RegisteredModel;
import io.rtml.registry.model.RegisteredModelRepository;
import io.rtml.onnx.ModelSignature;
import io.rtml.registry.paging.Page;
import io.rtml.registry.paging.PageRequest;
import io.rtml.registry.target.Target;
import io.rtml.registry.target.TargetRepository;
import io.rtml.registry.version.VersionService;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The service gallery: creates entries and shows what runs where, with its history. */
@Service
public class GalleryService {

    private static final int RECENT_DEPLOYMENTS = 10;

    private final ServiceEntryRepository services;
    private final ServiceTargetRepository serviceTargets;
    private final RegisteredModelRepository models;
    private final TargetRepository targets;
    private final DeploymentRepository deployments;
    private final DeploymentViews deploymentViews;
    private final GallerySearch search;
    private final VersionService versions;
    private final AuditLog audit;
    private final Clock clock;

    GalleryService(ServiceEntryRepository services, ServiceTargetRepository serviceTargets,
            RegisteredModelRepository models, TargetRepository targets, DeploymentRepository deployments,
            DeploymentViews deploymentViews, GallerySearch search, VersionService versions, AuditLog audit, Clock clock) {
        this.services = services;
        this.serviceTargets = serviceTargets;
        this.models = models;
        this.targets = targets;
        this.deployments = deployments;
        this.deploymentViews = deploymentViews;
        this.search = search;
        this.versions = versions;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    public ServiceResponse create(CreateServiceRequest request, Actor actor) {
        Names.checkModelName(request.name());
        actor.require(Role.DEPLOYER, Resource.SERVICE, request.name());
        // A service serves its model's versions to everyone: binding one needs read rights on the model.
        actor.require(Role.VIEWER, Resource.MODEL, request.model());
        RegisteredModel model = models.findByName(request.model()).orElseThrow(() -> ModelService.notFound(request.model()));
        if (services.existsByName(request.name())) {
            throw new RtmlException(ErrorCode.SERVICE_ALREADY_EXISTS, "a service named '" + request.name() + "' exists");
        }
        ServiceEntry service = services.save(new ServiceEntry(request.name(), model.id(), request.description(),
                actor.name(), clock.instant()));
        audit.record(actor, "service.create", "service", request.name(), Map.of("model", request.model()));
        return view(service, 0);
    }

    @Transactional(readOnly = true)
    public ServiceResponse get(String name) {
        return view(services.findByName(name).orElseThrow(() -> new RtmlException(ErrorCode.SERVICE_NOT_FOUND,
                "no service named '" + name + "'")), RECENT_DEPLOYMENTS);
    }

    @Transactional(readOnly = true)
    public Page<ServiceResponse> list(GalleryFilter filter, PageRequest page) {
        String after = page.token() == null ? null : page.token().key();
        List<ServiceResponse> rows = search.page(filter, after, page.size() + 1).stream().map(s -> view(s, 1)).toList();
        return Page.of(rows, page.size(), ServiceResponse::name);
    }

    private ServiceResponse view(ServiceEntry service, int recent) {
        String modelName = models.findById(service.modelId()).map(RegisteredModel::name).orElse("?");
        List<DeploymentResponse> history = deploymentViews.of(deployments.findByServiceIdAndIdLessThanOrderByIdDesc(
                service.id(), Long.MAX_VALUE, Limit.of(Math.max(recent, 1))), service.name());
        List<ServiceResponse.Placement> placements = placements(service);
        ModelSignature signature = recent > 1 ? activeSignature(modelName, placements) : null;
        return new ServiceResponse(service.name(), modelName, service.description(), status(history),
                service.createdAt(), service.createdBy(), placements, history.subList(0, Math.min(recent, history.size())),
                signature);
    }

    /** The signature of the version running somewhere; only the detail view shows it. */
    private ModelSignature activeSignature(String modelName, List<ServiceResponse.Placement> placements) {
        // a placement without a desired version runs a version of the model bound before a rebind
        return placements.stream().filter(p -> p.desiredVersion() != null).map(ServiceResponse.Placement::activeVersion)
                .filter(v -> v != null).findFirst()
                .map(v -> versions.get(modelName, v.toString()).signature()).orElse(null);
    }

    private List<ServiceResponse.Placement> placements(ServiceEntry service) {
        List<ServiceTarget> rows = serviceTargets.findByKeyServiceId(service.id());
        Map<Long, Target> byId = targets.findAllById(rows.stream().map(ServiceTarget::targetId).toList()).stream()
                .collect(Collectors.toMap(Target::id, Function.identity()));
        return rows.stream().filter(st -> byId.containsKey(st.targetId())).map(st -> {
            Target t = byId.get(st.targetId());
            List<Integer> standby = standby(st);
            return new ServiceResponse.Placement(t.name(), t.kind(), t.region(), t.health(), st.activeVersion(),
                    st.desiredVersion(), standby, st.deployedAt(), st.deployedBy(),
                    ServiceResponse.Endpoints.of(t.baseUrl(), service.name()));
        }).sorted(Comparator.comparing((ServiceResponse.Placement p) -> p.kind()).thenComparing(p -> p.target())).toList();
    }

    /**
     * The versions the node keeps loaded besides the active one, newest first, as the deployer's
     * probe last saw them; before the first probe, the version active before this one.
     */
    private static List<Integer> standby(ServiceTarget st) {
        if (st.heldVersions() == null) {
            return st.previousVersion() == null ? List.of() : List.of(st.previousVersion());
        }
        return st.heldVersions().stream().filter(v -> !v.equals(st.activeVersion()))
                .sorted(Comparator.reverseOrder()).toList();
    }

    private static String status(List<DeploymentResponse> history) {
        if (history.isEmpty()) {
            return "NEW";
        }
        DeploymentStatus last = history.get(0).status();
        return DeploymentStatus.IN_FLIGHT.contains(last) ? "DEPLOYING" : last.name();
    }
}
