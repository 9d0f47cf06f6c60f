package io.rtml.registry.target;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;

/**
 * Body of {@code POST /api/v1/targets}.
 *
 * @param adminTokenRef name of the deployer setting holding this node's admin token (never the
 *     token itself); null means the deployer's default node token
 */
public record CreateTargetRequest(
        @NotNull String name,
        @NotNull Target.Kind kind,
        @NotBlank @Size(max = 63) String region,
        @NotNull @Pattern(regexp = "https?://[^\\s]{1,2000}", message = "must be an http(s) URL") String baseUrl,
        @Size(max = 100) String adminTokenRef,
        Map<String, String> labels) {

    public CreateTargetRequest {
        labels = labels == null ? Map.of() : labels;
        baseUrl = baseUrl == null ? null : baseUrl.replaceAll("/+$", "");
    }
}
