package io.rtml.registry.model;

import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keyset-paginated model search. The SQL is assembled from fixed fragments (values are always
 * bound parameters) so that each filter that is absent also leaves no predicate that could
 * mislead the planner away from the name index or the tag GIN index.
 */
@Repository
class ModelSearch {

    private final EntityManager em;
    private final JsonMapper json;

    ModelSearch(EntityManager em, JsonMapper json) {
        this.em = em;
        this.json = json;
    }

    @SuppressWarnings("unchecked")
    /** {@code scopes}: the reader's scopes as LIKE patterns ({@code Scopes.likePatterns}), null for all models. */
    List<RegisteredModel> page(String text, Map<String, String> tags, String scopes, String afterName, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM registered_model WHERE true");
        Map<String, Object> params = new HashMap<>();
        if (afterName != null) {
            sql.append(" AND name > :after");
            params.put("after", afterName);
        }
        if (scopes != null) {
            sql.append(" AND name LIKE ANY (string_to_array(:scopes, ','))");
            params.put("scopes", scopes);
        }
        if (text != null && !text.isBlank()) {
            sql.append(" AND (name LIKE :pattern ESCAPE '\\' OR description ILIKE :pattern ESCAPE '\\')");
            params.put("pattern", "%" + escapeLike(text.toLowerCase(java.util.Locale.ROOT)) + "%");
        }
        if (!tags.isEmpty()) {
            sql.append(" AND tags @> CAST(:tags AS jsonb)");
            params.put("tags", json.writeValueAsString(tags));
        }
        sql.append(" ORDER BY name LIMIT :limit");
        params.put("limit", limit);
        Query query = em.createNativeQuery(sql.toString(), RegisteredModel.class);
        params.forEach(query::setParameter);
        return query.getResultList();
    }

    static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
