package io.rtml.deployer.reconcile;

import io.rtml.deployer.node.NodeState;
import io.rtml.deployer.node.NodeTarget;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Reads targets and records what the health probe and the state call saw. */
@Component
class Targets {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Per service_target row of the target: the versions of its service that the node holds ([] for none). */
    private static final String RECORD_HELD = """
            UPDATE service_target st SET held_versions = coalesce(?::jsonb -> s.name, '[]'::jsonb), held_seen_at = now()
            FROM service s WHERE s.id = st.service_id AND st.target_id = ?""";

    private final JdbcTemplate jdbc;

    Targets(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    List<NodeTarget> all() {
        return jdbc.query("SELECT id, name, base_url, admin_token_ref FROM target ORDER BY id",
                (rs, n) -> new NodeTarget(rs.getLong("id"), rs.getString("name"), rs.getString("base_url"),
                        rs.getString("admin_token_ref")));
    }

    void recordHealth(NodeTarget target, boolean up) {
        if (up) {
            jdbc.update("UPDATE target SET health = 'UP', last_seen_at = now() WHERE id = ?", target.id());
        } else {
            jdbc.update("UPDATE target SET health = 'DOWN' WHERE id = ? AND health <> 'DOWN'", target.id());
        }
    }

    /** What the node holds (active and standby versions), for the gallery's standby column. */
    void recordHeld(NodeTarget target, NodeState state) {
        Map<String, Set<Integer>> held = new TreeMap<>();
        state.loaded().forEach((service, versions) -> held.put(service, new TreeSet<>(versions).descendingSet()));
        jdbc.update(RECORD_HELD, JSON.writeValueAsString(held), target.id());
    }
}
