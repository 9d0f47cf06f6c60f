package io.rtml.deployer.job;

import io.rtml.deployment.DeploymentLedger;
import io.rtml.deployment.DeploymentStatus;
import io.rtml.deployment.LostClaimException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * When each wave of a plan started and finished ({@code deployment_wave}, V020), written in the
 * caller's transaction and fenced on this deployer's claim like every other progress write. A
 * wave's start is its first start: a resumed attempt keeps it. Its end is when its targets were
 * done (the last time, if a resumed attempt ran it again); for the wave that aborted the deployment,
 * and for any wave open when the deployment ends, the end of the deployment, after the reversal.
 */
@Component
class WaveTimes {

    private static final String STILL_OURS = """
            SELECT id FROM deployment WHERE id = ? AND claimed_by = ? AND status = ? FOR UPDATE""";

    private static final String STARTED = """
            INSERT INTO deployment_wave (deployment_id, wave, started_at) VALUES (?, ?, now())
            ON CONFLICT (deployment_id, wave) DO NOTHING""";

    private static final String FINISHED = """
            UPDATE deployment_wave SET finished_at = now() WHERE deployment_id = ? AND wave = ?""";

    /** At the deployment's end (its status move already fenced the write): every wave still open ends now. */
    private static final String CLOSE = """
            UPDATE deployment_wave SET finished_at = now() WHERE deployment_id = ? AND finished_at IS NULL""";

    private final JdbcTemplate jdbc;
    private final String instanceId;

    WaveTimes(JdbcTemplate jdbc, DeploymentLedger ledger) {
        this.jdbc = jdbc;
        this.instanceId = ledger.claimant().instanceId();
    }

    void started(long deploymentId, DeploymentStatus at, int wave) {
        fence(deploymentId, at);
        jdbc.update(STARTED, deploymentId, wave);
    }

    /** The caller fenced the transaction already (its progress write). */
    void finished(long deploymentId, int wave) {
        jdbc.update(FINISHED, deploymentId, wave);
    }

    /** The caller's status move fenced the transaction already. */
    void close(long deploymentId) {
        jdbc.update(CLOSE, deploymentId);
    }

    private void fence(long deploymentId, DeploymentStatus at) {
        if (jdbc.queryForList(STILL_OURS, Long.class, deploymentId, instanceId, at.name()).isEmpty()
                || Thread.currentThread().isInterrupted()) {
            throw new LostClaimException("deployment " + deploymentId + " is no longer claimed by this deployer in " + at);
        }
    }
}
