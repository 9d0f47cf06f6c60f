package io.rtml.deployer.reconcile;

import io.rtml.deployer.node.NodeState;
import io.rtml.deployer.node.NodeTarget;
import io.rtml.deployment.DeploymentLedger;
import java.sql.Timestamp;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Reads targets and records what the health probes and the state calls of one round saw. */
@Component
class Targets {

    /**
     * Every probe of a round in one statement: an answering target is UP and seen now; a silent
     * one turns DOWN (its last_seen_at stays: the last time it answered). Every row probed gets
     * {@code health_checked_at}, so that a deployment can tell a fresh DOWN mark from an old one
     * (a converging deployment trusts only a fresh one, {@code ProbedDown}).
     */
    private static final String HEALTH = """
            UPDATE target t SET health = CASE WHEN p.up THEN 'UP' ELSE 'DOWN' END,
                   last_seen_at = CASE WHEN p.up THEN now() ELSE t.last_seen_at END,
                   health_checked_at = now()
            FROM unnest(?::bigint[], ?::boolean[]) AS p(id, up)
            WHERE t.id = p.id""";

    private final JdbcTemplate jdbc;

    private final DeploymentLedger ledger;

    Targets(JdbcTemplate jdbc, DeploymentLedger ledger) {
        this.jdbc = jdbc;
        this.ledger = ledger;
    }

    /** The database's clock, the one service_target.deployed_at is written with. */
    Timestamp now() {
        return jdbc.queryForObject("SELECT now()", Timestamp.class);
    }

    List<NodeTarget> all() {
        return jdbc.query("SELECT " + NodeTarget.COLUMNS + " FROM target ORDER BY id",
                (rs, n) -> NodeTarget.from(rs));
    }

    void recordHealth(List<TargetWatcher.Probe> probes) {
        if (!probes.isEmpty()) {
            jdbc.update(HEALTH, probes.stream().map(p -> p.target().id()).toArray(Long[]::new),
                    probes.stream().map(TargetWatcher.Probe::up).toArray(Boolean[]::new));
        }
    }

    /** What each node holds (active and standby versions), for the gallery's standby column. */
    void recordHeld(Map<NodeTarget, NodeState> states) {
        Map<Long, Map<String, ? extends Collection<Integer>>> byTarget = new LinkedHashMap<>();
        states.forEach((target, state) -> {
            Map<String, Set<Integer>> held = new TreeMap<>();
            state.loaded().forEach((service, versions) -> held.put(service, new TreeSet<>(versions).descendingSet()));
            byTarget.put(target.id(), held);
        });
        ledger.recordHeld(byTarget);
    }
}
