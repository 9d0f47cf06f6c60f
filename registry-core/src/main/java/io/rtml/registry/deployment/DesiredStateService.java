package io.rtml.registry.deployment;

import io.rtml.registry.access.Actor;
import io.rtml.registry.access.Resource;
import io.rtml.registry.access.Role;
import io.rtml.registry.gallery.ServiceEntry;
import io.rtml.registry.gallery.ServiceEntryRepository;
import io.rtml.registry.gallery.ServiceTarget;
import io.rtml.registry.gallery.ServiceTargetRepository;
import io.rtml.registry.model.RegisteredModel;
import io.rtml.registry.model.RegisteredModelRepository;
import io.rtml.registry.target.Target;
import io.rtml.registry.target.TargetService;
import io.rtml.registry.version.ModelVersionResponse;
import io.rtml.registry.version.ExampleService;
import io.rtml.registry.version.VersionService;
import tools.jackson.databind.json.JsonMapper;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What a scoring node should serve, with presigned URLs to fetch it: a node that starts empty
 * asks for this and loads it by itself, without waiting for the deployer's reconciliation.
 */
@Service
public class DesiredStateService {

    private final TargetService targets;
    private final ServiceTargetRepository serviceTargets;
    private final ServiceEntryRepository services;
    private final RegisteredModelRepository models;
    private final VersionService versions;
    private final ExampleService examples;
    private final JsonMapper json;

    DesiredStateService(TargetService targets, ServiceTargetRepository serviceTargets, ServiceEntryRepository services,
            RegisteredModelRepository models, VersionService versions, ExampleService examples, JsonMapper json) {
        this.targets = targets;
        this.serviceTargets = serviceTargets;
        this.services = services;
        this.models = models;
        this.versions = versions;
        this.examples = examples;
        this.json = json;
    }

    /**
     * The URLs are credentials for a few minutes, so only this target's own node credential, a
     * deployer token for this target ({@code target:} scope) or an unscoped deployer may ask.
     */
    @Transactional(readOnly = true)
    public DesiredStateResponse of(String targetName, Actor actor) {
        if (!actor.allows(Role.NODE, Resource.TARGET, targetName)) {
            actor.require(Role.DEPLOYER, Resource.TARGET, targetName);
        }
        Target target = targets.find(targetName);
        List<DesiredStateResponse.DesiredService> wanted = serviceTargets.findByKeyTargetId(target.id()).stream()
                .filter(st -> st.desiredVersion() != null)
                .map(this::describe)
                .toList();
        return new DesiredStateResponse(targetName, wanted);
    }

    private DesiredStateResponse.DesiredService describe(ServiceTarget row) {
        ServiceEntry service = services.findById(row.serviceId()).orElseThrow();
        String modelName = models.findById(service.modelId()).map(RegisteredModel::name).orElseThrow();
        ModelVersionResponse version = versions.get(modelName, row.desiredVersion().toString());
        String example = examples.find(modelName, version.version());
        return new DesiredStateResponse.DesiredService(service.name(), version.version(), version.sha256(),
                version.sizeBytes(), versions.presignArtifact(modelName, String.valueOf(version.version())).toString(),
                example == null ? null : json.readTree(example));
    }
}
