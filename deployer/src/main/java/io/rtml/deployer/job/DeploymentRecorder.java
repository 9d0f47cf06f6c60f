package io.rtml.deployer.job;

import io.rtml.deployer.DeployerProperties;
import io.rtml.deployment.DeploymentKind;
import io.rtml.deployment.DeploymentStatus;
import io.rtml.deployment.TargetDeploymentStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every write of a deployment's progress. Each is one short transaction that first moves the
 * deployment's status, fenced on this instance's claim and on the expected current status: when a
 * lapsed lease let another deployer take over, the write changes nothing and the worker stops.
 * No node is called inside these transactions.
 */
@Component
class DeploymentRecorder {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String MOVE = """
            UPDATE deployment SET status = ?,
                   started_at = CASE WHEN ? = 'STAGING' THEN coalesce(started_at, now()) ELSE started_at END,
                   finished_at = CASE WHEN ? THEN now() ELSE finished_at END,
                   error = coalesce(?, error),
                   claimed_until = CASE WHEN ? THEN NULL ELSE claimed_until END
            WHERE id = ? AND claimed_by = ? AND status = ?""";

    private static final String TARGET = """
            UPDATE deployment_target SET status = ?, error = ?, warmup_error = coalesce(?, warmup_error),
                   staged_at = CASE WHEN ? = 'STAGED' THEN now() ELSE staged_at END,
                   activated_at = CASE WHEN ? = 'ACTIVE' THEN now() ELSE activated_at END
            WHERE deployment_id = ? AND target_id = ?""";

    /**
     * A row whose desired version is null was rebound to another model ({@code forgetVersions}):
     * its active version is the old model's number, so it must not become the previous version.
     */
    private static final String SERVICE_TARGET = """
            INSERT INTO service_target AS st (service_id, target_id, desired_version, active_version,
                                              previous_version, deployed_at, deployed_by)
            VALUES (?, ?, ?, ?, ?, now(), ?)
            ON CONFLICT (service_id, target_id) DO UPDATE SET
                desired_version = EXCLUDED.desired_version,
                active_version = EXCLUDED.active_version,
                previous_version = CASE WHEN st.desired_version IS NULL THEN NULL
                                        WHEN st.active_version IS DISTINCT FROM EXCLUDED.active_version
                                        THEN st.active_version ELSE st.previous_version END,
                deployed_at = EXCLUDED.deployed_at,
                deployed_by = EXCLUDED.deployed_by""";

    private static final String FORGET_PLACEMENT = "DELETE FROM service_target WHERE service_id = ? AND target_id = ?";

    private static final String AUDIT = """
            INSERT INTO audit_event (occurred_at, actor, action, entity_type, entity_name, details)
            VALUES (now(), ?, ?, 'service', ?, ?::jsonb)""";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final String instanceId;

    DeploymentRecorder(JdbcTemplate jdbc, TransactionTemplate tx, DeployerProperties properties) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.instanceId = properties.instanceId();
    }

    /** Moves to a non-final status and records target progress in the same transaction. */
    void move(DeploymentJob job, DeploymentStatus from, DeploymentStatus to, List<TargetUpdate> targets) {
        tx.executeWithoutResult(status -> {
            moveStatus(job, from, to, null);
            updateTargets(job, targets);
        });
    }

    /**
     * Ends the deployment: final status, per-target rows, on success the gallery's service_target
     * rows, and the audit event, all in one transaction.
     */
    void finish(DeploymentJob job, DeploymentStatus from, DeploymentStatus to, String error,
            List<TargetUpdate> targets) {
        tx.executeWithoutResult(status -> {
            moveStatus(job, from, to, error);
            updateTargets(job, targets);
            if (to == DeploymentStatus.SUCCEEDED && job.kind() == DeploymentKind.UNDEPLOY) {
                jdbc.batchUpdate(FORGET_PLACEMENT, job.targets().stream()
                        .map(target -> new Object[] {job.serviceId(), target.id()}).toList());
            } else if (to == DeploymentStatus.SUCCEEDED) {
                jdbc.batchUpdate(SERVICE_TARGET, job.targets().stream().map(target -> new Object[] {
                        job.serviceId(), target.id(), job.version(), job.version(), target.previousVersion(),
                        job.requestedBy()}).toList());
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("deploymentId", job.id());
            details.put("kind", job.kind().name());
            details.put("version", job.version());
            details.put("targets", job.targetNames());
            if (error != null) {
                details.put("error", error);
            }
            jdbc.update(AUDIT, "deployer:" + instanceId, "deployment." + to.name().toLowerCase(java.util.Locale.ROOT),
                    job.service(), JSON.writeValueAsString(details));
            if (to == DeploymentStatus.SUCCEEDED && job.deletesService()) {
                // The service's deployments go with it (ON DELETE CASCADE); the audit log keeps the story.
                jdbc.update("DELETE FROM service WHERE id = ?", job.serviceId());
                jdbc.update(AUDIT, job.requestedBy(), "service.delete", job.service(), JSON.writeValueAsString(
                        Map.of("deploymentId", job.id(), "undeployedFrom", job.targetNames())));
            }
        });
    }

    private void moveStatus(DeploymentJob job, DeploymentStatus from, DeploymentStatus to, String error) {
        if (!from.canMoveTo(to)) {
            throw new IllegalStateException("deployment " + job.id() + " cannot move from " + from + " to " + to);
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new LostClaimException("stopping: deployment " + job.id() + " left as " + from);
        }
        boolean last = to.isFinal();
        int rows = jdbc.update(MOVE, to.name(), to.name(), last, error, last, job.id(), instanceId, from.name());
        if (rows != 1) {
            throw new LostClaimException("deployment " + job.id() + " is no longer claimed by this deployer in "
                    + from);
        }
    }

    /** One round trip for all targets (a JDBC batch). */
    private void updateTargets(DeploymentJob job, List<TargetUpdate> targets) {
        if (!targets.isEmpty()) {
            jdbc.batchUpdate(TARGET, targets.stream().map(t -> new Object[] {t.status().name(), t.error(),
                    t.warmupError(), t.status().name(), t.status().name(), job.id(), t.targetId()}).toList());
        }
    }

    static TargetUpdate target(JobTarget target, TargetDeploymentStatus status, String error) {
        return target(target, status, error, null);
    }

    static TargetUpdate target(JobTarget target, TargetDeploymentStatus status, String error, String warmupError) {
        return new TargetUpdate(target.id(), status, error, warmupError);
    }
}
