package io.rtml.deployer.job;

import io.rtml.deployer.node.NodeTarget;
import io.rtml.deployment.DeploymentKind;
import io.rtml.deployment.DeploymentLedger;
import io.rtml.deployment.DeploymentStatus;
import io.rtml.deployment.Rollout;
import io.rtml.deployment.RolloutState;
import io.rtml.deployment.TargetDeploymentStatus;
import io.rtml.deployment.WavePlan;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The deployment table as a work queue: claims and lease renewals go through the deployment
 * module's {@link DeploymentLedger} (the only writer of the table); this reads what a claimed
 * deployment needs, its targets and the artifact of its version.
 */
@Component
class DeploymentQueue {

    private static final String JOB = """
            SELECT d.id, d.service_id, s.name AS service, d.kind, d.version, d.status, d.requested_by,
                   d.requested_at, d.attempts, d.deletes_service, d.rollout::text AS rollout,
                   d.rollout_state::text AS rollout_state, d.requested_decision, d.plan::text AS plan, v.artifact_key, v.sha256, v.size_bytes, v.example
            FROM deployment d
            JOIN service s ON s.id = d.service_id
            LEFT JOIN model_version v ON v.model_id = s.model_id AND v.version = d.version
            WHERE d.id = ?""";

    private static final String TARGETS = """
            SELECT t.id, t.name, t.base_url, t.admin_token_ref, t.node_credential_salt, dt.status, dt.previous_version,
                   dt.wave
            FROM deployment_target dt JOIN target t ON t.id = dt.target_id
            WHERE dt.deployment_id = ?
            ORDER BY t.id""";

    private static final String ARTIFACT = """
            SELECT v.artifact_key, v.sha256, v.size_bytes, v.example
            FROM service s JOIN model_version v ON v.model_id = s.model_id
            WHERE s.id = ? AND v.version = ?""";

    private final JdbcTemplate jdbc;
    private final DeploymentLedger ledger;

    DeploymentQueue(JdbcTemplate jdbc, DeploymentLedger ledger) {
        this.jdbc = jdbc;
        this.ledger = ledger;
    }

    /** Claims the next deployment, if any, and reads it. */
    Optional<DeploymentJob> claim() {
        return ledger.claim().map(this::load);
    }

    /** Extends the lease; false when this instance no longer owns the deployment. */
    boolean renew(long deploymentId) {
        return ledger.renew(deploymentId);
    }

    private DeploymentJob load(long id) {
        List<JobTarget> targets = jdbc.query(TARGETS, (rs, n) -> new JobTarget(NodeTarget.from(rs),
                TargetDeploymentStatus.valueOf(rs.getString("status")),
                (Integer) rs.getObject("previous_version"), rs.getInt("wave")), id);
        return jdbc.queryForObject(JOB, (rs, n) -> new DeploymentJob(rs.getLong("id"), rs.getLong("service_id"),
                rs.getString("service"), DeploymentKind.valueOf(rs.getString("kind")), rs.getInt("version"),
                DeploymentStatus.valueOf(rs.getString("status")), rs.getString("requested_by"),
                rs.getTimestamp("requested_at").toInstant(), rs.getInt("attempts"), rs.getString("artifact_key"),
                rs.getString("sha256"), rs.getLong("size_bytes"), rs.getString("example"), targets,
                rs.getBoolean("deletes_service"), Rollout.fromJson(rs.getString("rollout")),
                RolloutState.fromJson(rs.getString("rollout_state")), rs.getString("requested_decision"),
                WavePlan.fromJson(rs.getString("plan"))), id);
    }

    /** The artifact of {@code version} of the service's model, or null when there is no such version. */
    VersionArtifact artifactOf(long serviceId, int version) {
        return jdbc.query(ARTIFACT, (rs, n) -> new VersionArtifact(rs.getString("artifact_key"),
                rs.getString("sha256"), rs.getLong("size_bytes"), rs.getString("example")), serviceId, version).stream().findFirst().orElse(null);
    }

    /** Where the bytes of one version are. */
    record VersionArtifact(String key, String sha256, long sizeBytes, String example) {}
}
