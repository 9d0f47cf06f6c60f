package io.rtml.deployer.reconcile;

import io.rtml.deployer.node.NodeClient;
import io.rtml.deployer.node.NodeState;
import io.rtml.deployer.node.NodeTarget;
import io.rtml.deployment.DeploymentStatus;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The other half of an UNDEPLOY with {@code offline: converge}: a target it could not reach is left
 * PENDING in the SUCCEEDED undeployment, and its service_target row is gone like the others'. When
 * the node answers a probe again, this removes the service from it (only if it still holds it) and
 * records the row REMOVED with {@code converged_at}, exactly as a converging deployment's row is
 * recorded ACTIVE. A later request wins over the pending removal: once the service was placed on the
 * target again (a service_target row exists: a later deployment switched it, or left it to converge),
 * the removal is withdrawn (REVERTED) instead of carried out. Nothing is done for a service with a
 * deployment in flight, nor for an undeployment that finished after the round began (the state was
 * read before it).
 *
 * <p>One query per round for every answering node, whatever their number; a write only for a row
 * that converges or is withdrawn.
 */
@Component
class PendingRemovals {

    private static final Logger log = LoggerFactory.getLogger(PendingRemovals.class);

    private static final String PENDING = """
            SELECT dt.deployment_id, dt.target_id, s.name AS service,
                   EXISTS (SELECT 1 FROM service_target st WHERE st.service_id = d.service_id
                           AND st.target_id = dt.target_id) AS placed_again
            FROM deployment_target dt
            JOIN deployment d ON d.id = dt.deployment_id
            JOIN service s ON s.id = d.service_id
            WHERE dt.target_id = ANY(?) AND dt.status = 'PENDING' AND d.kind = 'UNDEPLOY' AND d.status = 'SUCCEEDED'
              AND d.finished_at < ?
              AND NOT EXISTS (SELECT 1 FROM deployment n WHERE n.service_id = d.service_id AND n.status = ANY(?))""";

    /** Re-checks at write time what the read saw: still pending, not placed again, nothing in flight. */
    private static final String REMOVED = """
            UPDATE deployment_target dt SET status = 'REMOVED', converged_at = now(), error = NULL
            FROM deployment d
            WHERE d.id = dt.deployment_id AND dt.deployment_id = ? AND dt.target_id = ? AND dt.status = 'PENDING'
              AND NOT EXISTS (SELECT 1 FROM service_target st WHERE st.service_id = d.service_id
                              AND st.target_id = dt.target_id)
              AND NOT EXISTS (SELECT 1 FROM deployment n WHERE n.service_id = d.service_id AND n.status = ANY(?))""";

    private static final String WITHDRAWN = """
            UPDATE deployment_target SET status = 'REVERTED',
                   error = 'withdrawn: the service was placed on this target again before the removal converged'
            WHERE deployment_id = ? AND target_id = ? AND status = 'PENDING'""";

    private final JdbcTemplate jdbc;
    private final NodeClient nodes;

    PendingRemovals(JdbcTemplate jdbc, NodeClient nodes) {
        this.jdbc = jdbc;
        this.nodes = nodes;
    }

    private record Pending(long deploymentId, long targetId, String service, boolean placedAgain) {}

    /** Carries out the pending removals on the nodes that answered this round ({@code states} read after {@code readSince}). */
    void carryOut(Map<NodeTarget, NodeState> states, Timestamp readSince) {
        if (states.isEmpty()) {
            return;
        }
        Map<Long, NodeTarget> byId = states.keySet().stream()
                .collect(Collectors.toMap(NodeTarget::id, Function.identity()));
        List<Pending> pending = jdbc.query(PENDING, (rs, n) -> new Pending(rs.getLong("deployment_id"),
                rs.getLong("target_id"), rs.getString("service"), rs.getBoolean("placed_again")),
                byId.keySet().toArray(Long[]::new), readSince, DeploymentStatus.inFlightNames());
        List<Pending> done = new ArrayList<>();
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (Pending p : pending) {
            if (p.placedAgain()) {
                jdbc.update(WITHDRAWN, p.deploymentId(), p.targetId());
                continue;
            }
            NodeTarget target = byId.get(p.targetId());
            NodeState state = states.get(target);
            if (state.activeVersion(p.service()) == null && !state.loaded().containsKey(p.service())) {
                done.add(p); // it came back without the service (restarted empty): nothing to remove
                continue;
            }
            calls.add(nodes.remove(target, p.service()).thenRun(() -> {
                log.info("removed service={} from target={} (undeployment {} left it to converge)", p.service(),
                        target.name(), p.deploymentId());
                synchronized (done) {
                    done.add(p);
                }
            }).exceptionally(e -> {
                log.warn("could not remove service={} from target={}: {}", p.service(), target.name(),
                        e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
                return null;
            }));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        synchronized (done) {
            for (Pending p : done) {
                jdbc.update(REMOVED, p.deploymentId(), p.targetId(), DeploymentStatus.inFlightNames());
            }
        }
    }
}
