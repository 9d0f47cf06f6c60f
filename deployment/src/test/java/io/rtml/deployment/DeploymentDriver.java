package io.rtml.deployment;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Moves a deployment through its life with the deployment module's writer, as a deployer does,
 * for registry tests that need one staged or finished without scoring nodes: the rows the registry
 * then shows are the ones a deployer writes. Shipped in this module's test-jar, the one copy that
 * registry-core's and registry-api's tests use.
 */
public final class DeploymentDriver {

    private final JdbcTemplate jdbc;
    private final DeploymentLedger ledger;
    private final TransactionTemplate tx;

    public DeploymentDriver(JdbcTemplate jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.ledger = new DeploymentLedger(jdbc, new Claimant("registry-test", Duration.ofMinutes(10), 3));
        this.tx = new TransactionTemplate(transactions);
    }

    /** Every target staged (the rollback's step skipped), then every target active: SUCCEEDED. */
    public void succeed(long deploymentId) {
        tx.executeWithoutResult(status -> {
            DeploymentOutcome deployment = claim(deploymentId);
            if (deployment.kind() != DeploymentKind.ROLLBACK) {
                ledger.move(deploymentId, DeploymentStatus.STAGING, DeploymentStatus.ACTIVATING,
                        progress(deployment, TargetDeploymentStatus.STAGED, null));
            }
            ledger.finish(deployment, DeploymentStatus.ACTIVATING, DeploymentStatus.SUCCEEDED, null,
                    progress(deployment, deployment.kind() == DeploymentKind.UNDEPLOY ? TargetDeploymentStatus.REMOVED
                            : TargetDeploymentStatus.ACTIVE, null));
        });
    }

    /** Every target staged; the rollout's first step bakes (its claim released for an hour) at {@code percent}. */
    public void rollingOut(long deploymentId, int percent) {
        tx.executeWithoutResult(status -> {
            DeploymentOutcome deployment = claim(deploymentId);
            ledger.move(deploymentId, DeploymentStatus.STAGING, DeploymentStatus.ROLLING_OUT,
                    progress(deployment, TargetDeploymentStatus.STAGED, null));
            ledger.bake(deploymentId, RolloutState.first(percent).started(java.time.Instant.now(), null), 3600, null);
        });
    }

    /** Staging failed on every target: FAILED, nothing activated. */
    public void fail(long deploymentId, String error) {
        tx.executeWithoutResult(status -> {
            DeploymentOutcome deployment = claim(deploymentId);
            ledger.finish(deployment, DeploymentStatus.STAGING, DeploymentStatus.FAILED, error,
                    progress(deployment, TargetDeploymentStatus.FAILED, error));
        });
    }

    /** A deployer took the deployment: its first move ({@link DeploymentStatus#next}), every target still pending. */
    public void take(long deploymentId) {
        tx.executeWithoutResult(status -> claim(deploymentId));
    }

    /** Every target staged the version; the deployment waits in ACTIVATING, in flight. */
    public void staged(long deploymentId) {
        stagedWithWarmupError(deploymentId, null);
    }

    /** Every target staged the version but reported {@code warmupError}; the deployment goes on to ACTIVATING. */
    public void stagedWithWarmupError(long deploymentId, String warmupError) {
        tx.executeWithoutResult(status -> {
            DeploymentOutcome deployment = claim(deploymentId);
            ledger.move(deploymentId, DeploymentStatus.STAGING, DeploymentStatus.ACTIVATING, deployment.targets()
                    .stream().map(t -> new TargetProgress(t.targetId(), TargetDeploymentStatus.STAGED, null,
                            warmupError)).toList());
        });
    }

    /** What a probe of the target saw the node hold, by service name. */
    public void held(String target, Map<String, List<Integer>> versionsByService) {
        long targetId = jdbc.queryForObject("select id from target where name = ?", Long.class, target);
        tx.executeWithoutResult(status -> ledger.recordHeld(targetId, versionsByService));
    }

    private DeploymentOutcome claim(long deploymentId) {
        ledger.claim(deploymentId).orElseThrow(() -> new IllegalStateException(
                "deployment " + deploymentId + " is not in flight or is claimed"));
        List<DeploymentOutcome.Placement> targets = jdbc.query("""
                select dt.target_id, t.name, dt.previous_version from deployment_target dt
                join target t on t.id = dt.target_id where dt.deployment_id = ? order by t.id""",
                (rs, n) -> new DeploymentOutcome.Placement(rs.getLong(1), rs.getString(2), (Integer) rs.getObject(3)),
                deploymentId);
        return jdbc.queryForObject("""
                select d.service_id, s.name, d.kind, d.version, d.requested_by, d.deletes_service
                from deployment d join service s on s.id = d.service_id where d.id = ?""",
                (rs, n) -> new DeploymentOutcome(deploymentId, rs.getLong(1), rs.getString(2),
                        DeploymentKind.valueOf(rs.getString(3)), rs.getInt(4), rs.getString(5), rs.getBoolean(6),
                        targets), deploymentId);
    }

    private static List<TargetProgress> progress(DeploymentOutcome deployment, TargetDeploymentStatus status,
            String error) {
        return deployment.targets().stream().map(t -> new TargetProgress(t.targetId(), status, error, null)).toList();
    }
}
