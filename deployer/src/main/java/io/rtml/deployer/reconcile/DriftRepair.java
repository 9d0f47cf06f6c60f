package io.rtml.deployer.reconcile;

import io.rtml.artifact.ArtifactStore;
import io.rtml.deployer.node.NodeClient.Artifact;
import io.rtml.deployer.node.NodeClient;
import io.rtml.deployer.node.NodeState;
import io.rtml.deployer.node.NodeTarget;
import io.rtml.deployment.DeploymentLedger;
import io.rtml.deployment.DeploymentStatus;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Brings one node back to the desired versions recorded in service_target: stage (a download only
 * when the node lost the file) then activate. Services with a deployment in flight are left to
 * that deployment, both when choosing the work and again before recording it. A target that a
 * deployment with {@code offline: converge} left PENDING (it could not be reached) has the version as
 * its desired one: this is how it gets it once it answers, and the deployment's row records when.
 */
@Component
class DriftRepair {

    private static final Logger log = LoggerFactory.getLogger(DriftRepair.class);

    private static final String DESIRED = """
            SELECT s.name AS service, st.service_id, st.desired_version, st.active_version,
                   v.artifact_key, v.sha256, v.size_bytes, v.example
            FROM service_target st
            JOIN service s ON s.id = st.service_id
            JOIN model_version v ON v.model_id = s.model_id AND v.version = st.desired_version
            WHERE st.target_id = ? AND st.desired_version IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM deployment d WHERE d.service_id = st.service_id
                              AND d.status = ANY(?))""";

    private final JdbcTemplate jdbc;
    private final NodeClient nodes;
    private final ArtifactStore artifacts;
    private final DeploymentLedger ledger;

    DriftRepair(JdbcTemplate jdbc, NodeClient nodes, ArtifactStore artifacts, DeploymentLedger ledger) {
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.nodes = nodes;
        this.artifacts = artifacts;
    }

    private record Desired(String service, long serviceId, int version, Integer recordedActive, String artifactKey,
            String sha256, long sizeBytes, String example) {}

    void repair(NodeTarget target, NodeState state) {
        List<Desired> desired = jdbc.query(DESIRED, (rs, n) -> new Desired(rs.getString("service"),
                rs.getLong("service_id"), rs.getInt("desired_version"), (Integer) rs.getObject("active_version"),
                rs.getString("artifact_key"), rs.getString("sha256"), rs.getLong("size_bytes"),
                rs.getString("example")), target.id(), DeploymentStatus.inFlightNames());
        for (Desired d : desired) {
            Integer onNode = state.activeVersion(d.service());
            if (onNode == null || onNode != d.version()) {
                try {
                    URL url = artifacts.presignGet(d.artifactKey());
                    nodes.stage(target, d.service(), d.version(), new Artifact(url.toURI(), d.sha256(), d.sizeBytes(), d.example()))
                            .thenCompose(staged -> nodes.activate(target, d.service(), d.version())).join();
                    log.info("reconciled target={} service={} version={} (node had {})", target.name(), d.service(),
                            d.version(), onNode == null ? "none" : onNode);
                } catch (RuntimeException | URISyntaxException e) {
                    log.warn("could not reconcile target={} service={} to version {}: {}", target.name(), d.service(),
                            d.version(), e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
                    continue;
                }
            }
            if (d.recordedActive() == null || d.recordedActive() != d.version()) {
                // also stamps converged_at on the row of a converging deployment that left this target PENDING
                ledger.recordConverged(d.serviceId(), target.id(), d.version());
            }
        }
    }
}
