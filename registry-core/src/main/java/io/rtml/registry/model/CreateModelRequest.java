package io.rtml.registry.model;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.Map;

/** Body of {@code POST /api/v1/models}. The name rule is checked by {@link Names}, with a message that states it. */
public record CreateModelRequest(
        @NotNull String name,
        @Size(max = Names.MAX_DESCRIPTION) String description,
        Map<String, String> tags) {

    public CreateModelRequest {
        description = description == null ? "" : description;
        tags = tags == null ? Map.of() : tags;
    }
}
