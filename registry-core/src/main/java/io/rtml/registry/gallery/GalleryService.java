package io.rtml.registry.gallery;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.registry.access.Actor;
import io.rtml.registry.access.Resource;
import io.rtml.registry.access.Role;
import io.rtml.registry.access.Scopes;
import io.rtml.registry.audit.AuditLog;
import io.rtml.registry.deployment.DeploymentRepository;
import io.rtml.registry.deployment.DeploymentResponse;
import io.rtml.registry.deployment.DeploymentViews;
import io.rtml.registry.deployment.RolloutChoice;
import io.rtml.registry.deployment.Selectors;
import io.rtml.registry.model.ModelService;
import io.rtml.registry.model.Names;
import io.rtml.registry.model.RegisteredModel;
import io.rtml.registry.model.RegisteredModelRepository;
import io.rtml.onnx.ModelSignature;
import io.rtml.registry.paging.Page;
import io.rtml.registry.paging.PageRequest;
import io.rtml.registry.version.VersionService;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The service gallery: creates entries and shows what runs where, with its history. */
@Service
public class GalleryService {

    private static final int RECENT_DEPLOYMENTS = 10;

    private final ServiceEntryRepository services;
    private final RegisteredModelRepository models;
    private final DeploymentRepository deployments;
    private final DeploymentViews deploymentViews;
    private final GallerySearch search;
    private final GalleryViews views;
    private final VersionService versions;
    private final AuditLog audit;
    private final Clock clock;

    GalleryService(ServiceEntryRepository services, RegisteredModelRepository models, DeploymentRepository deployments,
            DeploymentViews deploymentViews, GallerySearch search, GalleryViews views, VersionService versions,
            AuditLog audit, Clock clock) {
        this.services = services;
        this.models = models;
        this.deployments = deployments;
        this.deploymentViews = deploymentViews;
        this.search = search;
        this.views = views;
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
        String selector = selector(request.selector());
        ServiceEntry service = new ServiceEntry(request.name(), model.id(), request.description(), actor.name(),
                clock.instant());
        service.select(selector);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("model", request.model());
        if (selector != null) {
            details.put("selector", selector);
        }
        if (request.follow() != null) {
            service.follow(Names.checkAlias(request.follow()));
            details.put("follow", request.follow());
        }
        RolloutChoice rollout = request.defaultRollout() == null ? null : request.defaultRollout().asDefault();
        if (rollout != null) {
            service.defaultRollout(rollout);
            details.put("defaultRollout", rollout.toJson());
        }
        services.save(service);
        audit.record(actor, "service.create", "service", request.name(), details);
        return view(service, 0);
    }

    /** A selector as given, checked (400 with its position when not valid); blank: none. */
    static String selector(String selector) {
        if (selector == null || selector.isBlank()) {
            return null;
        }
        Selectors.parse(selector, "selector");
        return selector.strip();
    }

    @Transactional(readOnly = true)
    public ServiceResponse get(String name) {
        return view(services.findByName(name).orElseThrow(() -> new RtmlException(ErrorCode.SERVICE_NOT_FOUND,
                "no service named '" + name + "'")), RECENT_DEPLOYMENTS);
    }

    @Transactional(readOnly = true)
    public Page<ServiceResponse> list(GalleryFilter filter, PageRequest page, Actor actor) {
        actor.requireReader();
        String after = page.token() == null ? null : page.token().key();
        String scopes = Scopes.likePatterns(actor.scopes(), Resource.SERVICE);
        return Page.of(views.summaries(search.page(filter, scopes, after, page.size() + 1)), page.size(),
                ServiceResponse::name);
    }

    private ServiceResponse view(ServiceEntry service, int recent) {
        String modelName = views.modelName(service);
        List<DeploymentResponse> history = deploymentViews.of(deployments.findByServiceIdAndIdLessThanOrderByIdDesc(
                service.id(), Long.MAX_VALUE, Limit.of(Math.max(recent, 1))), service.name());
        List<ServiceResponse.Placement> placements = views.placements(service);
        ModelSignature signature = recent > 1 ? activeSignature(modelName, placements) : null;
        return GalleryViews.response(service, modelName, placements, GalleryViews.status(history),
                history.subList(0, Math.min(recent, history.size())), signature);
    }

    /** The signature of the version running somewhere; only the detail view shows it. */
    private ModelSignature activeSignature(String modelName, List<ServiceResponse.Placement> placements) {
        // a placement without a desired version runs a version of the model bound before a rebind
        return placements.stream().filter(p -> p.desiredVersion() != null).map(ServiceResponse.Placement::activeVersion)
                .filter(v -> v != null).findFirst()
                .map(v -> versions.get(modelName, v.toString()).signature()).orElse(null);
    }
}
