package io.rtml.registry.version;

import io.rtml.registry.model.Names;
import jakarta.validation.constraints.Size;
import java.util.Map;

/** Body of {@code PATCH …/versions/{v}}: only metadata changes; the artifact is write-once. */
public record UpdateVersionRequest(@Size(max = Names.MAX_DESCRIPTION) String description, Map<String, String> tags) {}
