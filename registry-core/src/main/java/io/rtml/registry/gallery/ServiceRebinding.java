package io.rtml.registry.gallery;

import io.rtml.deployment.DeploymentRequests;
import io.rtml.deployment.DeploymentStatus;
import io.rtml.onnx.ModelSignature;
import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.registry.access.Actor;
import io.rtml.registry.access.Resource;
import io.rtml.registry.access.Role;
import io.rtml.registry.audit.AuditLog;
import io.rtml.registry.deployment.DeploymentRepository;
import io.rtml.registry.deployment.RolloutChoice;
import io.rtml.registry.model.ModelService;
import io.rtml.registry.model.RegisteredModel;
import io.rtml.registry.model.RegisteredModelRepository;
import io.rtml.registry.version.ModelVersionResponse;
import io.rtml.registry.version.VersionService;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Binds a service to another model ({@code PATCH /api/v1/services/{name}}). The nodes keep serving
 * what they serve until the next deployment, which takes a version of the new model. A new model
 * whose inputs or outputs differ from the running version's (names, types, fixed dimensions; see
 * {@link SignatureComparison}) is refused (409 SIGNATURE_MISMATCH) unless forced, since every caller
 * of the service would break at that deployment.
 */
@Service
public class ServiceRebinding {

    private final ServiceEntryRepository services;
    private final ServiceTargetRepository serviceTargets;
    private final RegisteredModelRepository models;
    private final DeploymentRepository deployments;
    private final VersionService versions;
    private final GalleryService gallery;
    private final AuditLog audit;
    private final DeploymentRequests requests;
    private final EntityManager entities;

    ServiceRebinding(ServiceEntryRepository services, ServiceTargetRepository serviceTargets,
            RegisteredModelRepository models, DeploymentRepository deployments, VersionService versions,
            GalleryService gallery, AuditLog audit, DeploymentRequests requests, EntityManager entities) {
        this.requests = requests;
        this.entities = entities;
        this.services = services;
        this.serviceTargets = serviceTargets;
        this.models = models;
        this.deployments = deployments;
        this.versions = versions;
        this.gallery = gallery;
        this.audit = audit;
    }

    @Transactional
    public RebindResponse rebind(String name, RebindServiceRequest request, Actor actor) {
        actor.require(Role.DEPLOYER, Resource.SERVICE, name);
        if (request.defaultRollout() != null) {
            RebindResponse changed = defaultRollout(name, request.defaultRollout(), actor);
            if (request.model() == null && request.selector() == null) {
                return changed;
            }
        }
        if (request.model() == null) {
            if (request.selector() == null) {
                throw new RtmlException(ErrorCode.VALIDATION_FAILED,
                        "give a model to bind, a selector to follow, a defaultRollout, or more than one");
            }
            return follow(name, request.selector(), actor);
        }
        if (request.selector() != null) {
            follow(name, request.selector(), actor);
        }
        // As at creation: a scoped deployer binds its service only to a model it may read.
        actor.require(Role.VIEWER, Resource.MODEL, request.model());
        ServiceEntry service = services.lockByName(name).orElseThrow(() -> new RtmlException(
                ErrorCode.SERVICE_NOT_FOUND, "no service named '" + name + "'"));
        RegisteredModel next = models.findByName(request.model()).orElseThrow(() -> ModelService.notFound(request.model()));
        String previous = models.findById(service.modelId()).map(RegisteredModel::name).orElse("?");
        deployments.findFirstByServiceIdAndStatusIn(service.id(), DeploymentStatus.IN_FLIGHT).ifPresent(running -> {
            throw new RtmlException(ErrorCode.DEPLOYMENT_IN_PROGRESS, "service '" + name + "' is being deployed by "
                    + "deployment " + running.id() + "; rebind it when that has finished");
        });
        List<String> warnings = new ArrayList<>();
        List<String> differences = compare(service, previous, request, warnings);
        if (!differences.isEmpty() && !request.forced()) {
            throw new RtmlException(ErrorCode.SIGNATURE_MISMATCH, "model '" + request.model()
                    + "' cannot replace the version service '" + name + "' runs: " + String.join("; ", differences)
                    + "; give \"force\": true to rebind anyway");
        }
        differences.forEach(d -> warnings.add("signature: " + d));
        if (!next.id().equals(service.modelId())) {
            service.rebind(next.id(), runningModel(service));
            // The deployment module writes service_target with JDBC: flush before, and drop the rows
            // read above so that the answer shows them as written.
            entities.flush();
            requests.forgetVersions(service.id());
            entities.clear();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("from", previous);
        details.put("to", request.model());
        details.put("warnings", warnings);
        audit.record(actor, "service.rebind", "service", name, details);
        return new RebindResponse(gallery.get(name), previous, warnings);
    }

    /**
     * Sets (or, with a blank one, clears) the selector the service follows: the deployer brings targets
     * that match it to the service's active version at its next reconciliation round.
     */
    private RebindResponse follow(String name, String selector, Actor actor) {
        String checked = GalleryService.selector(selector);
        ServiceEntry service = services.lockByName(name).orElseThrow(() -> new RtmlException(
                ErrorCode.SERVICE_NOT_FOUND, "no service named '" + name + "'"));
        service.select(checked);
        // the audit log takes no null values: a cleared selector is recorded as ""
        audit.record(actor, "service.follow", "service", name, Map.of("selector", checked == null ? "" : checked));
        String model = models.findById(service.modelId()).map(RegisteredModel::name).orElse("?");
        return new RebindResponse(gallery.get(name), model, List.of());
    }

    /**
     * Sets (or, with {@code {}} or an all-at-once strategy, clears) the service's default rollout, checked as a
     * deployment would check it; deployments already requested keep theirs.
     */
    private RebindResponse defaultRollout(String name, RolloutChoice asked, Actor actor) {
        RolloutChoice checked = asked.asDefault();
        ServiceEntry service = services.lockByName(name).orElseThrow(() -> new RtmlException(
                ErrorCode.SERVICE_NOT_FOUND, "no service named '" + name + "'"));
        service.defaultRollout(checked);
        // the audit log takes no null values: a cleared default is recorded as ""
        audit.record(actor, "service.default_rollout", "service", name,
                Map.of("defaultRollout", checked == null ? "" : checked.toJson()));
        String model = models.findById(service.modelId()).map(RegisteredModel::name).orElse("?");
        return new RebindResponse(gallery.get(name), model, List.of());
    }

    /**
     * The model whose versions the service's targets run: the bound one where a deployment of it set a
     * desired version, else the one an earlier rebind left running, else none.
     */
    private Long runningModel(ServiceEntry service) {
        List<ServiceTarget> placed = serviceTargets.findByKeyServiceId(service.id());
        if (placed.stream().anyMatch(st -> st.desiredVersion() != null && st.activeVersion() != null)) {
            return service.modelId();
        }
        return placed.stream().anyMatch(st -> st.activeVersion() != null) ? service.reboundFromModelId() : null;
    }

    /** Differences between the running version's signature and the new model's; warns when it cannot compare. */
    private List<String> compare(ServiceEntry service, String previousModel, RebindServiceRequest request,
            List<String> warnings) {
        Optional<ModelVersionResponse> candidate = request.version() == null ? versions.latest(request.model())
                : Optional.of(versions.get(request.model(), request.version()));
        Optional<Integer> running = serviceTargets.findByKeyServiceId(service.id()).stream()
                .filter(st -> st.desiredVersion() != null && st.activeVersion() != null)
                .map(ServiceTarget::activeVersion).findFirst();
        if (running.isEmpty()) {
            if (serviceTargets.findByKeyServiceId(service.id()).stream().anyMatch(st -> st.activeVersion() != null)) {
                warnings.add("the running version belongs to a model bound before; signatures not compared");
            }
            return List.of();
        }
        if (candidate.isEmpty()) {
            warnings.add("model '" + request.model() + "' has no version yet; signatures not compared");
            return List.of();
        }
        ModelSignature before = versions.get(previousModel, running.get().toString()).signature();
        return SignatureComparison.differences(before, candidate.get().signature()).stream()
                .map(SignatureComparison.Difference::message).toList();
    }
}
