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
 * Brings nodes back to the desired versions recorded in service_target: stage (a download only
 * when the node lost the file) then activate. Services with a deployment in flight are left to
 * that deployment, both when choosing the work and again before recording it. A target that a
 * deployment with {@code offline: converge} left PENDING (it could not be reached) has the version as
 * its desired one: this is how it gets it once it answers, and the deployment's row records when.
 *
 * <p>One query reads the desired versions of every node of a round, and the repairs run as
 * asynchronous calls in parallel, so a round over 1,000 targets costs one round trip to the
 * database when nothing drifted, however many targets there are.
 */
@Component
class DriftRepair {

    private static final Logger log = LoggerFactory.getLogger(DriftRepair.class);

    private static final String DESIRED = """
            SELECT st.target_id, s.name AS service, st.service_id, st.desired_version, st.active_version,
                   v.artifact_key, v.sha256, v.size_bytes, v.example
            FROM service_target st
            JOIN service s ON s.id = st.service_id
            JOIN model_version v ON v.model_id = s.model_id AND v.version = st.desired_version
            WHERE st.target_id = ANY(?) AND st.desired_version IS NOT NULL AND (st.deployed_at IS NULL OR st.deployed_at < ?)
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

    private record Desired(long targetId, String service, long serviceId, int version, Integer recordedActive,
            String artifactKey, String sha256, long sizeBytes, String example) {}

    /**
     * Repairs every node whose state differs from its desired versions, given the states the probes
     * read after {@code readSince} (database clock). A placement deployed since then is left for
     * the next round: the state read for it may predate that deployment, and "repairing" it would
     * put the version it replaced back.
     */
    void repair(Map<NodeTarget, NodeState> states, Timestamp readSince) {
        if (states.isEmpty()) {
            return;
        }
        Map<Long, NodeTarget> byId = states.keySet().stream()
                .collect(Collectors.toMap(NodeTarget::id, Function.identity()));
        List<Desired> desired = jdbc.query(DESIRED, (rs, n) -> new Desired(rs.getLong("target_id"),
                rs.getString("service"), rs.getLong("service_id"), rs.getInt("desired_version"),
                (Integer) rs.getObject("active_version"), rs.getString("artifact_key"), rs.getString("sha256"),
                rs.getLong("size_bytes"), rs.getString("example")),
                byId.keySet().toArray(Long[]::new), readSince, DeploymentStatus.inFlightNames());
        List<Desired> toRecord = new ArrayList<>();
        List<CompletableFuture<Void>> repairs = new ArrayList<>();
        for (Desired d : desired) {
            NodeTarget target = byId.get(d.targetId());
            Integer onNode = states.get(target).activeVersion(d.service());
            if (onNode != null && onNode == d.version()) {
                toRecord.add(d);
            } else {
                repairs.add(restore(target, d, onNode).thenRun(() -> {
                    synchronized (toRecord) {
                        toRecord.add(d);
                    }
                }).exceptionally(e -> {
                    log.warn("could not reconcile target={} service={} to version {}: {}", target.name(),
                            d.service(), d.version(), e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
                    return null;
                }));
            }
        }
        CompletableFuture.allOf(repairs.toArray(CompletableFuture[]::new)).join();
        synchronized (toRecord) {
            for (Desired d : toRecord) {
                if (d.recordedActive() == null || d.recordedActive() != d.version()) {
                    // also stamps converged_at on the row of a converging deployment that left this target PENDING
                    ledger.recordConverged(d.serviceId(), d.targetId(), d.version());
                }
            }
        }
    }

    private CompletableFuture<Void> restore(NodeTarget target, Desired d, Integer onNode) {
        Artifact artifact;
        try {
            URL url = artifacts.presignGet(d.artifactKey());
            artifact = new Artifact(url.toURI(), d.sha256(), d.sizeBytes(), d.example());
        } catch (RuntimeException | URISyntaxException e) {
            return CompletableFuture.failedFuture(e);
        }
        return nodes.stage(target, d.service(), d.version(), artifact)
                .thenCompose(staged -> nodes.activate(target, d.service(), d.version()))
                .thenRun(() -> log.info("reconciled target={} service={} version={} (node had {})", target.name(),
                        d.service(), d.version(), onNode == null ? "none" : onNode));
    }
}
