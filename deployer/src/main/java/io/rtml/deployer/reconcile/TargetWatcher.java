package io.rtml.deployer.reconcile;

import io.rtml.deployer.DeployerProperties;
import io.rtml.deployer.node.NodeClient;
import io.rtml.deployer.node.NodeState;
import io.rtml.deployer.node.NodeTarget;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Every {@code reconcile-interval}, on the application's task scheduler (off when 0): probes each
 * target's readiness (target.health, last_seen_at) and, for the targets whose admin API answers
 * (ready or not: a node is not ready until it serves what it should), reads their state and
 * repairs drift from service_target's desired versions (a node that restarted empty, or missed an
 * activation).
 *
 * <p>A round scales with the fleet without a thread or a database round trip per target: the
 * probes are asynchronous calls (at most {@code max-calls-in-flight} at once) whose callbacks only
 * collect answers; then the scheduler thread writes what they saw in one statement for the health
 * and one batch for the held versions, and {@link DriftRepair} reads every desired version in one
 * query, leaving out placements deployed since the round began (their state may have been read
 * before the deployment switched the node).
 */
@Component
class TargetWatcher implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(TargetWatcher.class);

    private final Targets targets;
    private final NodeClient nodes;
    private final DriftRepair repair;
    private final PendingRemovals removals;
    private final DeployerProperties properties;

    TargetWatcher(Targets targets, NodeClient nodes, DriftRepair repair, PendingRemovals removals,
            DeployerProperties properties) {
        this.removals = removals;
        this.targets = targets;
        this.nodes = nodes;
        this.repair = repair;
        this.properties = properties;
    }

    /** What one probe saw: readiness, and the node's state when its admin API answered (else null). */
    record Probe(NodeTarget target, boolean up, NodeState state) {}

    /**
     * Every deployer replica reconciles, as before scheduling moved to Spring: stage and activate
     * are idempotent on the nodes, and a repair never writes over a deployment in flight, so two
     * replicas repairing one node at once do no harm and no lock is needed.
     */
    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        Duration every = properties.reconcileInterval();
        if (!every.isZero()) {
            tasks.addFixedDelayTask(new FixedDelayTask(this::tick, every, every));
        }
    }

    /** One round over all targets: probe in parallel, record, repair. */
    void tick() {
        try {
            Timestamp readSince = targets.now(); // before any probe: what changed since may be newer than a state read
            List<CompletableFuture<Probe>> probes = targets.all().stream().map(this::probe).toList();
            CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new)).join();
            List<Probe> seen = probes.stream().map(CompletableFuture::join).toList();
            targets.recordHealth(seen);
            Map<NodeTarget, NodeState> answered = new LinkedHashMap<>();
            seen.stream().filter(p -> p.state() != null).forEach(p -> answered.put(p.target(), p.state()));
            targets.recordHeld(answered);
            repair.repair(answered, readSince);
            // after the repairs: a target placed again by a later deployment withdraws its pending removal
            removals.carryOut(answered, readSince);
        } catch (RuntimeException e) {
            log.warn("reconciliation round failed: {}", e.getMessage());
        }
    }

    /** Readiness, then state; never fails: whatever goes wrong with one target is logged and ends here. */
    private CompletableFuture<Probe> probe(NodeTarget target) {
        return nodes.ready(target).thenCompose(up -> nodes.probeState(target).handle((state, error) -> {
            if (error != null && up) {
                // Down and silent is expected; ready but no state is worth a line.
                log.warn("reconciling target {} failed: {}", target.name(),
                        error.getCause() != null ? error.getCause().getMessage() : error.getMessage());
            }
            return new Probe(target, up, error == null ? state : null);
        }));
    }
}
