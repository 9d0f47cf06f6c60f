package io.rtml.registry.target;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * A target as the API shows it; {@code health} and {@code lastSeenAt} come from the deployer's probes.
 * {@code nodeCredential} is there only in the answer that issued it (registration, a move, a
 * rotation): the registry keeps only its hash and never shows it again.
 */
public record TargetResponse(String name, Target.Kind kind, String region, String baseUrl, String adminTokenRef,
        Map<String, String> labels, String health, Instant lastSeenAt, Instant createdAt, String createdBy,
        @JsonInclude(JsonInclude.Include.NON_NULL) String nodeCredential) {

    TargetResponse withNodeCredential(String credential) {
        return new TargetResponse(name, kind, region, baseUrl, adminTokenRef, labels, health, lastSeenAt, createdAt,
                createdBy, credential);
    }
}
