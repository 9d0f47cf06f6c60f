package io.rtml.registry.gallery;

import io.rtml.deployment.DeploymentStatus;
import io.rtml.onnx.ModelSignature;
import io.rtml.registry.deployment.Deployment;
import io.rtml.registry.deployment.DeploymentResponse;
import io.rtml.registry.deployment.DeploymentViews;
import io.rtml.registry.model.RegisteredModel;
import io.rtml.registry.model.RegisteredModelRepository;
import io.rtml.registry.target.Target;
import io.rtml.registry.target.TargetRepository;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Builds gallery entries for a page of services with one query per kind of row (models, last
 * deployments and their progress, placements, targets), so a page costs the same number of
 * statements whatever its size.
 */
@Component
class GalleryViews {

    private final ServiceTargetRepository serviceTargets;
    private final RegisteredModelRepository models;
    private final TargetRepository targets;
    private final DeploymentViews deploymentViews;
    private final GallerySearch search;

    GalleryViews(ServiceTargetRepository serviceTargets, RegisteredModelRepository models, TargetRepository targets,
            DeploymentViews deploymentViews, GallerySearch search) {
        this.serviceTargets = serviceTargets;
        this.models = models;
        this.targets = targets;
        this.deploymentViews = deploymentViews;
        this.search = search;
    }

    /** The entries of a listing: each with its placements and its last deployment; no signature. */
    List<ServiceResponse> summaries(List<ServiceEntry> services) {
        if (services.isEmpty()) {
            return List.of();
        }
        List<Long> ids = services.stream().map(ServiceEntry::id).toList();
        Map<Long, String> modelNames = modelNames(services);
        Map<Long, List<ServiceResponse.Placement>> placements = placements(services);
        Map<Long, DeploymentResponse> last = lastDeployments(services, ids);
        return services.stream().map(s -> {
            DeploymentResponse latest = last.get(s.id());
            List<DeploymentResponse> history = latest == null ? List.of() : List.of(latest);
            return response(s, modelNames.getOrDefault(s.modelId(), "?"), placements.get(s.id()), status(history), history,
                    null);
        }).toList();
    }

    String modelName(ServiceEntry service) {
        return models.findById(service.modelId()).map(RegisteredModel::name).orElse("?");
    }

    List<ServiceResponse.Placement> placements(ServiceEntry service) {
        return placements(List.of(service)).get(service.id());
    }

    static ServiceResponse response(ServiceEntry service, String modelName, List<ServiceResponse.Placement> placements,
            String status, List<DeploymentResponse> history, ModelSignature signature) {
        return new ServiceResponse(service.name(), modelName, service.description(), status,
                service.createdAt(), service.createdBy(), placements, history, signature, service.selector(),
                service.followAlias(), service.defaultRollout());
    }

    private Map<Long, String> modelNames(List<ServiceEntry> services) {
        return models.findAllById(services.stream().map(ServiceEntry::modelId).distinct().toList()).stream()
                .collect(Collectors.toMap(RegisteredModel::id, RegisteredModel::name));
    }

    private Map<Long, DeploymentResponse> lastDeployments(List<ServiceEntry> services, List<Long> ids) {
        Map<Long, Long> serviceOfDeployment = new HashMap<>();
        List<Deployment> rows = search.lastDeployments(ids).stream().map(row -> {
            Deployment d = (Deployment) row[1];
            serviceOfDeployment.put(d.id(), (Long) row[0]);
            return d;
        }).toList();
        Map<Long, String> names = services.stream().collect(Collectors.toMap(ServiceEntry::id, ServiceEntry::name));
        List<DeploymentResponse> views = deploymentViews.of(rows, d -> names.get(serviceOfDeployment.get(d.id())));
        Map<Long, DeploymentResponse> byService = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            byService.put(serviceOfDeployment.get(rows.get(i).id()), views.get(i));
        }
        return byService;
    }

    /** Per service, its targets: hubs before edges, then by name. */
    private Map<Long, List<ServiceResponse.Placement>> placements(List<ServiceEntry> services) {
        List<ServiceTarget> rows = serviceTargets.findByKeyServiceIdIn(services.stream().map(ServiceEntry::id).toList());
        Map<Long, Target> byId = targets.findAllById(rows.stream().map(ServiceTarget::targetId).distinct().toList())
                .stream().collect(Collectors.toMap(Target::id, Function.identity()));
        Map<Long, String> names = services.stream().collect(Collectors.toMap(ServiceEntry::id, ServiceEntry::name));
        Map<Long, List<ServiceResponse.Placement>> result = new HashMap<>();
        services.forEach(s -> result.put(s.id(), List.of()));
        rows.stream().filter(st -> byId.containsKey(st.targetId()))
                .collect(Collectors.groupingBy(ServiceTarget::serviceId))
                .forEach((serviceId, placed) -> result.put(serviceId, placed.stream()
                        .map(st -> placement(st, byId.get(st.targetId()), names.get(serviceId)))
                        .sorted(Comparator.comparing((ServiceResponse.Placement p) -> p.kind())
                                .thenComparing(p -> p.target()))
                        .toList()));
        return result;
    }

    private static ServiceResponse.Placement placement(ServiceTarget st, Target t, String serviceName) {
        return new ServiceResponse.Placement(t.name(), t.kind(), t.region(), t.health(), st.activeVersion(),
                st.desiredVersion(), standby(st), st.deployedAt(), st.deployedBy(),
                ServiceResponse.Endpoints.of(t.baseUrl(), serviceName));
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

    /** DEPLOYING while the newest deployment is in flight, else its outcome; NEW without one. */
    static String status(List<DeploymentResponse> newestFirst) {
        if (newestFirst.isEmpty()) {
            return "NEW";
        }
        DeploymentStatus last = newestFirst.get(0).status();
        return DeploymentStatus.IN_FLIGHT.contains(last) ? "DEPLOYING" : last.name();
    }
}
