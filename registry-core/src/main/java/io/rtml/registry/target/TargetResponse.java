package io.rtml.registry.target;

import java.time.Instant;
import java.util.Map;

/** A target as the API shows it; {@code health} and {@code lastSeenAt} come from the deployer's probes. */
public record TargetResponse(String name, Target.Kind kind, String region, String baseUrl, String adminTokenRef,
        Map<String, String> labels, String health, Instant lastSeenAt, Instant createdAt, String createdBy) {}
