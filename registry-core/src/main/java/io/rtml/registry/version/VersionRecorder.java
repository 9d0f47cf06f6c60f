package io.rtml.registry.version;

import io.rtml.registry.access.Actor;
import io.rtml.registry.audit.AuditLog;
import io.rtml.registry.model.ModelService;
import io.rtml.registry.model.RegisteredModel;
import io.rtml.registry.model.RegisteredModelRepository;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The short transaction that turns a stored, inspected artifact into a numbered version. It locks
 * the model row, so concurrent uploads get consecutive numbers, and a failure before commit
 * consumes no number.
 */
@Component
class VersionRecorder {

    private final RegisteredModelRepository models;
    private final ModelVersionRepository versions;
    private final AuditLog audit;
    private final ArtifactReclaimer reclaimer;
    private final Clock clock;

    VersionRecorder(RegisteredModelRepository models, ModelVersionRepository versions, AuditLog audit,
            ArtifactReclaimer reclaimer, Clock clock) {
        this.models = models;
        this.versions = versions;
        this.audit = audit;
        this.reclaimer = reclaimer;
        this.clock = clock;
    }

    @Transactional
    ModelVersionResponse record(String modelName, NewVersion details, Actor actor) {
        RegisteredModel model = models.lockByName(modelName).orElseThrow(() -> ModelService.notFound(modelName));
        reclaimer.claim(details.artifactKey());
        int number = model.allocateVersionNumber(clock.instant());
        ModelVersion version = versions.save(new ModelVersion(model.id(), number, details, actor.name(), clock.instant()));
        audit.record(actor, "version.create", "model_version", modelName + "/" + number,
                Map.of("sha256", details.sha256(), "sizeBytes", details.sizeBytes()));
        return version.toResponse(modelName, List.of());
    }
}
