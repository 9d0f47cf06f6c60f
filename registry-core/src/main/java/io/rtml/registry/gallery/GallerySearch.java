package io.rtml.registry.gallery;

import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Repository;

/**
 * Keyset-paginated gallery listing; each filter adds a fixed, parameter-bound predicate only when
 * given. Also the newest deployment of each service of a page, in one query.
 */
@Repository
class GallerySearch {

    private static final String RUNS_ON = " AND EXISTS (SELECT 1 FROM service_target st JOIN target t ON t.id = st.target_id"
            + " WHERE st.service_id = s.id AND st.active_version IS NOT NULL AND ";

    private final EntityManager em;

    GallerySearch(EntityManager em) {
        this.em = em;
    }

    @SuppressWarnings("unchecked")
    /** {@code scopes}: the reader's scopes as LIKE patterns ({@code Scopes.likePatterns}), null for all services. */
    List<ServiceEntry> page(GalleryFilter filter, String scopes, String afterName, int limit) {
        StringBuilder sql = new StringBuilder("SELECT s.* FROM service s JOIN registered_model m ON m.id = s.model_id"
                + " WHERE true");
        Map<String, Object> params = new HashMap<>();
        if (afterName != null) {
            sql.append(" AND s.name > :after");
            params.put("after", afterName);
        }
        if (scopes != null) {
            sql.append(" AND s.name LIKE ANY (string_to_array(:scopes, ','))");
            params.put("scopes", scopes);
        }
        if (filter.model() != null) {
            sql.append(" AND m.name = :model");
            params.put("model", filter.model());
        }
        if (filter.target() != null) {
            sql.append(RUNS_ON).append("t.name = :target)");
            params.put("target", filter.target());
        }
        if (filter.region() != null) {
            sql.append(RUNS_ON).append("t.region = :region)");
            params.put("region", filter.region());
        }
        sql.append(" ORDER BY s.name LIMIT :limit");
        params.put("limit", limit);
        Query query = em.createNativeQuery(sql.toString(), ServiceEntry.class);
        params.forEach(query::setParameter);
        return query.getResultList();
    }

    /** The newest deployment of each of the services that has one, as {@code [serviceId, Deployment]}. */
    List<Object[]> lastDeployments(List<Long> serviceIds) {
        return em.createQuery("select d.serviceId, d from Deployment d where d.id in"
                + " (select max(x.id) from Deployment x where x.serviceId in :ids group by x.serviceId)", Object[].class)
                .setParameter("ids", serviceIds).getResultList();
    }
}
