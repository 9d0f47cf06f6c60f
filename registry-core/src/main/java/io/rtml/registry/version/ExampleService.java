package io.rtml.registry.version;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.registry.access.Actor;
import io.rtml.registry.access.Resource;
import io.rtml.registry.access.Role;
import io.rtml.registry.audit.AuditLog;
import io.rtml.registry.model.RegisteredModel;
import java.time.Clock;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The example request of a version: what scoring nodes feed their warm-up and batching probe
 * instead of zeros. Unlike the artifact it may be set, replaced or removed after the upload; a
 * node gets the example current when it stages the version.
 */
@Service
public class ExampleService {

    private final VersionService versions;
    private final AuditLog audit;
    private final Clock clock;

    ExampleService(VersionService versions, AuditLog audit, Clock clock) {
        this.versions = versions;
        this.audit = audit;
        this.clock = clock;
    }

    /** The stored example (JSON), or a 404 problem when the version has none. */
    @Transactional(readOnly = true)
    public String get(String modelName, String ref) {
        ModelVersion version = versions.resolve(versions.model(modelName), ref);
        if (version.example() == null) {
            throw new RtmlException(ErrorCode.NOT_FOUND, "version " + version.version() + " of model '" + modelName
                    + "' has no example request");
        }
        return version.example();
    }

    /** The stored example of a version by number, or null: for the desired state handed to nodes. */
    @Transactional(readOnly = true)
    public String find(String modelName, int version) {
        return versions.resolve(versions.model(modelName), Integer.toString(version)).example();
    }

    @Transactional
    public String put(String modelName, String ref, String body, Actor actor) {
        actor.require(Role.PUBLISHER, Resource.MODEL, modelName);
        RegisteredModel model = versions.model(modelName);
        ModelVersion version = versions.resolve(model, ref);
        String example = ExampleCheck.check(body, version.signature(), "");
        version.replaceExample(example, clock.instant());
        audit.record(actor, "version.example.put", "model_version", modelName + "/" + version.version(),
                Map.<String, Object>of("bytes", example.length()));
        return example;
    }

    @Transactional
    public void delete(String modelName, String ref, Actor actor) {
        actor.require(Role.PUBLISHER, Resource.MODEL, modelName);
        ModelVersion version = versions.resolve(versions.model(modelName), ref);
        version.replaceExample(null, clock.instant());
        audit.record(actor, "version.example.delete", "model_version", modelName + "/" + version.version(), Map.of());
    }
}
