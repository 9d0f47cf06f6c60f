package io.rtml.registry.model;

import jakarta.validation.constraints.Size;
import java.util.Map;

/** Body of {@code PATCH /api/v1/models/{name}}: fields left out stay as they are; {@code tags} replaces all tags. */
public record UpdateModelRequest(@Size(max = Names.MAX_DESCRIPTION) String description, Map<String, String> tags) {}
