package io.rtml.deployer.reconcile;

import io.rtml.deployer.node.NodeState;
import io.rtml.deployer.node.NodeTarget;
import io.rtml.deployment.DeploymentLedger;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Reads targets and records what the health probe and the state call saw. */
@Component
class Targets {

    private final JdbcTemplate jdbc;

    private final DeploymentLedger ledger;

    Targets(JdbcTemplate jdbc, DeploymentLedger ledger) {
        this.jdbc = jdbc;
        this.ledger = ledger;
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
        ledger.recordHeld(target.id(), held);
    }
}
