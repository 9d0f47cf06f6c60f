package io.rtml.registry.deployment;

import java.util.List;
import tools.jackson.databind.JsonNode;

/** What a target should serve; {@code artifactUrl}s are presigned and expire within minutes. */
public record DesiredStateResponse(String target, List<DesiredService> services) {

    /** One service's desired version on the target; {@code example}: its example request, or null. */
    public record DesiredService(String service, int version, String sha256, long sizeBytes, String artifactUrl,
            JsonNode example) {}
}
