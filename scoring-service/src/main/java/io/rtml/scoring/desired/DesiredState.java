package io.rtml.scoring.desired;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What the registry says a target should serve ({@code GET /api/v1/targets/{name}/desired-state}):
 * per service the desired version, its checks and a presigned URL that expires within minutes.
 */
record DesiredState(String target, List<Service> services) {

    /** {@code example}: the version's example request, or null. */
    record Service(String service, int version, String sha256, long sizeBytes, String artifactUrl, JsonNode example) {}

    DesiredState {
        services = services == null ? List.of() : List.copyOf(services);
    }
}
