package io.rtml.deployer.reconcile;

import io.rtml.deployer.DeployerProperties;
import io.rtml.deployer.node.NodeClient;
import io.rtml.deployer.node.NodeState;
import io.rtml.deployer.node.NodeTarget;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Every {@code reconcile-interval}, on the application's task scheduler (off when 0): probes each target's readiness (target.health, last_seen_at)
 * and, for the targets whose admin API answers (ready or not: a node is not ready until it serves
 * what it should), reads their state and repairs drift from service_target's desired versions (a
 * node that restarted empty, or missed an activation).
 */
@Component
class TargetWatcher implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(TargetWatcher.class);

    private final Targets targets;
    private final NodeClient nodes;
    private final DriftRepair repair;
    private final DeployerProperties properties;

    TargetWatcher(Targets targets, NodeClient nodes, DriftRepair repair, DeployerProperties properties) {
        this.targets = targets;
        this.nodes = nodes;
        this.repair = repair;
        this.properties = properties;
    }

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

    /** One round over all targets, in parallel. */
    void tick() {
        try {
            List<NodeTarget> all = targets.all();
            CompletableFuture.allOf(all.stream().map(this::check).toArray(CompletableFuture[]::new)).join();
        } catch (RuntimeException e) {
            log.warn("reconciliation round failed: {}", e.getMessage());
        }
    }

    /** One target; whatever goes wrong with it is logged and ends here, so the other targets are still checked. */
    private CompletableFuture<Void> check(NodeTarget target) {
        CompletableFuture<Void> checked;
        try {
            checked = nodes.ready(target).thenCompose(up -> {
                targets.recordHealth(target, up);
                CompletableFuture<Void> repaired = nodes.state(target).thenAccept((NodeState state) -> {
                    targets.recordHeld(target, state);
                    repair.repair(target, state);
                });
                // Live but not ready may mean waiting for exactly this repair (a node that lost a
                // version, or cannot reach the registry): repair every node whose admin API answers.
                return up ? repaired : repaired.exceptionally(down -> null);
            });
        } catch (RuntimeException e) {
            checked = CompletableFuture.failedFuture(e);
        }
        return checked.exceptionally(e -> {
            log.warn("reconciling target {} failed: {}", target.name(),
                    e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
            return null;
        });
    }
}
