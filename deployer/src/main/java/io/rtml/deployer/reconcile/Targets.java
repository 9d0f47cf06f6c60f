package io.rtml.deployer.reconcile;

import io.rtml.deployer.node.NodeTarget;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Reads targets and records what the health probe saw. */
@Component
class Targets {

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
}
