package io.rtml.registry.gallery;

import io.rtml.registry.deployment.DeploymentResponse;
import io.rtml.registry.deployment.RolloutChoice;
import io.rtml.onnx.ModelSignature;
import io.rtml.registry.target.Target;
import java.time.Instant;
import java.util.List;

/**
 * A gallery entry: which version runs on which target, how to call it there, and how it got
 * there. {@code status} is DEPLOYING while a deployment is in flight, else the last deployment's
 * outcome, or NEW. {@code selector}: the label selector of the targets it follows, null when none;
 * {@code follow}: the alias of its model whose moves it deploys by itself (null: none).
 * {@code defaultRollout}: how a deployment that names no rollout reaches the targets (the deployment
 * request's {@code strategy}, {@code guardrails} and wave fields), null when every target switches at once.
 */
public record ServiceResponse(String name, String model, String description, String status, Instant createdAt,
        String createdBy, List<Placement> targets, List<DeploymentResponse> deployments, ModelSignature signature,
        String selector, String follow, RolloutChoice defaultRollout) {

    /** The service on one target. */
    public record Placement(String target, Target.Kind kind, String region, String health, Integer activeVersion,
            Integer desiredVersion, List<Integer> standbyVersions, Instant deployedAt, String deployedBy,
            Endpoints endpoints) {}

    /**
     * Where applications call the service on a target; {@code predictCurl} is a shell command to
     * paste (the gallery's "Call it"), every value in it quoted for the shell.
     */
    public record Endpoints(String infer, String predict, String metadata, String predictCurl) {

        static Endpoints of(String baseUrl, String service) {
            String predict = baseUrl + "/v1/services/" + service + "/predict";
            String curl = "curl -s -X POST " + ShellQuote.of(predict)
                    + " \\\n  -H " + ShellQuote.of("Content-Type: application/json")
                    + " \\\n  -d " + ShellQuote.of("{\"records\":[{…}]}");
            return new Endpoints(baseUrl + "/v2/models/" + service + "/infer", predict, baseUrl + "/v2/models/" + service,
                    curl);
        }
    }
}
