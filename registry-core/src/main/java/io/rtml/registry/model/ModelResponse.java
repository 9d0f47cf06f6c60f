package io.rtml.registry.model;

import java.time.Instant;
import java.util.Map;

/** A registered model as the API shows it; {@code aliases} maps alias to version number. */
public record ModelResponse(String name, String description, Map<String, String> tags, int latestVersion,
        Map<String, Integer> aliases, Instant createdAt, String createdBy, Instant updatedAt) {

    static ModelResponse from(RegisteredModel m, Map<String, Integer> aliases) {
        return new ModelResponse(m.name(), m.description(), m.tags(), m.latestVersion(), aliases, m.createdAt(),
                m.createdBy(), m.updatedAt());
    }
}
