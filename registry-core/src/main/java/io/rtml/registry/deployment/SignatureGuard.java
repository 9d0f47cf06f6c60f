package io.rtml.registry.deployment;

import io.rtml.onnx.ModelSignature;
import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.registry.gallery.ServiceEntry;
import io.rtml.registry.gallery.ServiceTarget;
import io.rtml.registry.gallery.ServiceTargetRepository;
import io.rtml.registry.gallery.SignatureComparison;
import io.rtml.registry.gallery.SignatureComparison.Difference;
import io.rtml.registry.model.RegisteredModel;
import io.rtml.registry.model.RegisteredModelRepository;
import io.rtml.registry.version.VersionService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Refuses a deployment whose version would break the callers of the version the service serves:
 * its signature is compared with that of each distinct active version on the service's targets
 * (targets disagree after a partial deployment). Rows a rebind left alone (no desired version) still
 * run a version of the model bound before ({@code service.rebound_from_model_id}); they are compared
 * with that model's version, so the first deployment after a rebind is checked against what runs.
 */
@Component
class SignatureGuard {

    /** One difference from one active version, as the problem body's {@code differences} lists it. */
    record Incompatibility(int activeVersion, SignatureComparison.Kind kind, String value, String message) {}

    private final ServiceTargetRepository serviceTargets;
    private final RegisteredModelRepository models;
    private final VersionService versions;

    SignatureGuard(ServiceTargetRepository serviceTargets, RegisteredModelRepository models, VersionService versions) {
        this.serviceTargets = serviceTargets;
        this.models = models;
        this.versions = versions;
    }

    /**
     * Throws 409 SIGNATURE_INCOMPATIBLE when {@code version} breaks callers and the change is not
     * allowed; returns what to add to the deployment's audit event (empty when nothing was overridden).
     */
    Map<String, Object> check(ServiceEntry service, int version, boolean allowed) {
        List<Incompatibility> found = incompatibilities(service, version);
        if (found.isEmpty()) {
            return Map.of();
        }
        List<String> messages = found.stream().map(SignatureGuard::describe).toList();
        if (!allowed) {
            Map<String, Object> extensions = new LinkedHashMap<>();
            extensions.put("differences", found);
            throw new RtmlException(ErrorCode.SIGNATURE_INCOMPATIBLE, "version " + version + " of service '"
                    + service.name() + "' would break its callers: " + String.join("; ", messages)
                    + "; give \"allowSignatureChange\": true to deploy it anyway", extensions);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("allowSignatureChange", true);
        details.put("signatureDifferences", messages);
        return details;
    }

    private List<Incompatibility> incompatibilities(ServiceEntry service, int version) {
        String model = models.findById(service.modelId()).map(RegisteredModel::name).orElseThrow();
        List<ServiceTarget> placed = serviceTargets.findByKeyServiceId(service.id());
        // Rows a deployment of the bound model set: their active version is one of its versions.
        List<Integer> active = placed.stream()
                .filter(st -> st.desiredVersion() != null && st.activeVersion() != null)
                .map(ServiceTarget::activeVersion).distinct().sorted()
                .filter(v -> v != version).toList();
        // Rows a rebind left alone: they still run versions of the model bound before.
        List<Integer> left = placed.stream().filter(st -> st.desiredVersion() == null && st.activeVersion() != null)
                .map(ServiceTarget::activeVersion).distinct().sorted().toList();
        String leftModel = left.isEmpty() || service.reboundFromModelId() == null ? null
                : models.findById(service.reboundFromModelId()).map(RegisteredModel::name).orElse(null);
        if (active.isEmpty() && leftModel == null) {
            return List.of();
        }
        ModelSignature next = versions.get(model, Integer.toString(version)).signature();
        List<Incompatibility> found = new ArrayList<>();
        active.forEach(v -> found.addAll(compare(versions.get(model, v.toString()).signature(), v, next)));
        if (leftModel != null) {
            left.forEach(v -> found.addAll(compare(versions.get(leftModel, v.toString()).signature(), v, next)));
        }
        return found;
    }

    private static List<Incompatibility> compare(ModelSignature running, int runningVersion, ModelSignature next) {
        return SignatureComparison.differences(running, next).stream().filter(Difference::breaksCallers)
                .map(d -> new Incompatibility(runningVersion, d.kind(), d.value(), d.message())).toList();
    }

    private static String describe(Incompatibility found) {
        return found.message() + " (active version " + found.activeVersion() + ")";
    }
}
