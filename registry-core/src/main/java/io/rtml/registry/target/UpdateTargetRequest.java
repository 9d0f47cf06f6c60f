package io.rtml.registry.target;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;

/** Body of {@code PATCH /api/v1/targets/{name}}: fields left out stay as they are. */
public record UpdateTargetRequest(
        @Size(min = 1, max = 63) String region,
        @Pattern(regexp = "https?://[^\\s]{1,2000}", message = "must be an http(s) URL") String baseUrl,
        @Size(max = 100) String adminTokenRef,
        Map<String, String> labels) {}
