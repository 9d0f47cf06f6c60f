package io.rtml.deployer.job;

import static io.rtml.deployment.DeploymentStatus.ACTIVATING;
import static io.rtml.deployment.DeploymentStatus.FAILED;
import static io.rtml.deployment.DeploymentStatus.ROLLED_BACK;
import static io.rtml.deployment.DeploymentStatus.ROLLING_OUT;
import static io.rtml.deployment.DeploymentStatus.STAGING;
import static io.rtml.deployment.DeploymentStatus.SUCCEEDED;

import io.rtml.deployer.node.NodeCallException;
import io.rtml.deployer.node.NodeClient;
import io.rtml.deployer.node.NodeClient.Artifact;
import io.rtml.deployer.node.NodeClient.StageResult;
import io.rtml.artifact.ArtifactStore;
import io.rtml.deployment.Claimant;
import io.rtml.deployment.DeploymentKind;
import io.rtml.deployment.DeploymentLedger;
import io.rtml.deployment.DeploymentOutcome;
import io.rtml.deployment.DeploymentStatus;
import io.rtml.deployment.TargetDeploymentStatus;
import io.rtml.deployment.TargetProgress;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Drives one claimed deployment from its recorded status to a final one (DESIGN.md "Deployment"):
 * stage everywhere in parallel; activate everywhere only if every target staged; if activation
 * fails somewhere, put the targets that switched back on their previous version. Stage and
 * activate are idempotent on the nodes, so a resumed attempt simply repeats the current step.
 *
 * <p>A rollback skips the stage step (the claim moves it straight to ACTIVATING,
 * {@code DeploymentStatus.next}): it returns to a version the nodes served before and keep loaded,
 * so it is one round trip per node instead of two, which is what decides its latency to a distant
 * edge. A node that turns out not to hold the
 * version answers the activation with 404 and changes nothing; it is staged then activated, and
 * if that fails the targets that switched are reverted like after any failed activation.
 */
@Component
class DeploymentRunner {

    private static final Logger log = LoggerFactory.getLogger(DeploymentRunner.class);

    private final NodeClient nodes;
    private final ArtifactStore artifacts;
    private final DeploymentRecorder recorder;
    private final DeploymentMetrics metrics;
    private final Undeployment undeployment;
    private final Claimant claimant;
    private final RolloutDriver rollouts;
    private final WaveDriver waves;

    DeploymentRunner(NodeClient nodes, ArtifactStore artifacts, DeploymentRecorder recorder,
            DeploymentMetrics metrics, Undeployment undeployment, DeploymentLedger ledger, RolloutDriver rollouts,
            WaveDriver waves) {
        this.rollouts = rollouts;
        this.waves = waves;
        this.nodes = nodes;
        this.artifacts = artifacts;
        this.recorder = recorder;
        this.metrics = metrics;
        this.undeployment = undeployment;
        this.claimant = ledger.claimant();
    }

    void run(DeploymentJob job) {
        log.info("deployment claimed id={} service={} kind={} version={} status={} attempt={} targets={}",
                job.id(), job.service(), job.kind(), job.version(), job.status(), job.attempts(), job.targetNames());
        if (job.kind() == DeploymentKind.UNDEPLOY) {
            if (claimant.exhausted(job.attempts())) {
                undeployment.giveUp(job, giveUpReason(job), this::end);
            } else {
                undeployment.run(job, this::end);
            }
            return;
        }
        if (claimant.exhausted(job.attempts())) {
            giveUp(job);
            return;
        }
        DeploymentStatus status = job.status();
        if (job.artifactKey() == null && status != ACTIVATING && status != ROLLING_OUT) {
            end(job, status, FAILED, missingVersion(job), List.of());
            return;
        }
        if (job.plan() != null && job.kind() == DeploymentKind.ROLLBACK) {
            waves.rollBack(job, this);
            return;
        }
        if (job.plan() != null) {
            waves.drive(job, this);
            return;
        }
        if (status == STAGING && !stage(job)) {
            return;
        }
        if (job.rollout() != null && (status == STAGING || status == ROLLING_OUT)) {
            rollouts.drive(job, () -> activate(job));
            return;
        }
        activate(job);
    }

    /** True when every target staged and the deployment moved on (ACTIVATING, or ROLLING_OUT with a rollout). */
    private boolean stage(DeploymentJob job) {
        Artifact artifact = artifact(job);
        List<FanOut.Result<StageResult>> results = FanOut.all(job.targets(), t -> stageOn(t, job, artifact));
        List<TargetProgress> updates = new ArrayList<>();
        for (FanOut.Result<StageResult> r : results) {
            updates.add(DeploymentRecorder.target(r.target(),
                    r.ok() ? TargetDeploymentStatus.STAGED : TargetDeploymentStatus.FAILED, r.error(),
                    r.ok() ? r.value().warmupError() : null));
        }
        String errors = errors(results);
        if (errors != null) {
            end(job, STAGING, FAILED, "staging failed, nothing was activated: " + errors, updates);
            return false;
        }
        recorder.move(job, STAGING, job.rollout() != null ? ROLLING_OUT : ACTIVATING, updates);
        return true;
    }

    CompletableFuture<StageResult> stageOn(JobTarget t, DeploymentJob job, Artifact artifact) {
        return nodes.stage(t.node(), job.service(), job.version(), artifact)
                .thenApply(staged -> {
                    metrics.staged(staged.downloaded());
                    if (staged.warmupError() != null) {
                        log.warn("deployment={} target={} service={} version={}: {}", job.id(), t.node().name(),
                                job.service(), job.version(), staged.warmupError());
                    }
                    return staged;
                });
    }

    private static String missingVersion(DeploymentJob job) {
        return "version " + job.version() + " of the service's model does not exist";
    }

    Artifact artifact(DeploymentJob job) {
        if (job.artifactKey() == null) {
            throw new IllegalStateException(missingVersion(job));
        }
        URL url = artifacts.presignGet(job.artifactKey());
        log.debug("staging deployment={} artifact={}", job.id(), ArtifactStore.redact(url));
        try {
            return new Artifact(url.toURI(), job.sha256(), job.sizeBytes(), job.example());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("presigned URL is not a URI: " + ArtifactStore.redact(url), e);
        }
    }

    private void activate(DeploymentJob job) {
        List<FanOut.Result<Void>> results = FanOut.all(job.targets(), t -> activateOn(t, job));
        String errors = errors(results);
        if (errors == null) {
            end(job, ACTIVATING, SUCCEEDED, null, results.stream()
                    .map(r -> DeploymentRecorder.target(r.target(), TargetDeploymentStatus.ACTIVE, null)).toList());
            return;
        }
        List<JobTarget> switched = results.stream().filter(FanOut.Result::ok).map(FanOut.Result::target).toList();
        List<TargetProgress> updates = new ArrayList<>(results.stream().filter(r -> !r.ok())
                .map(r -> DeploymentRecorder.target(r.target(), TargetDeploymentStatus.FAILED, r.error())).toList());
        String revertErrors = revert(job, switched, updates);
        end(job, ACTIVATING, ROLLED_BACK, "activation failed, the other targets were reverted: " + errors
                + (revertErrors == null ? "" : "; revert failed: " + revertErrors), updates);
    }

    /**
     * Activates; a node that answers 404 does not hold the version (a rollback to a version it
     * dropped, a node that restarted empty since it staged) and changed nothing: stage it there,
     * then activate.
     */
    CompletableFuture<Void> activateOn(JobTarget t, DeploymentJob job) {
        return nodes.activate(t.node(), job.service(), job.version()).exceptionallyCompose(error ->
                NodeCallException.statusOf(error) != 404 ? CompletableFuture.failedFuture(error)
                        : stageOn(t, job, artifact(job)).thenCompose(staged ->
                                nodes.activate(t.node(), job.service(), job.version())));
    }

    /** Puts {@code switched} back on their previous versions; returns the errors, null if none. */
    String revert(DeploymentJob job, List<JobTarget> switched, List<TargetProgress> updates) {
        List<JobTarget> revertible = switched.stream().filter(t -> t.previousVersion() != null).toList();
        List<FanOut.Result<Void>> results = FanOut.all(revertible,
                t -> nodes.activate(t.node(), job.service(), t.previousVersion()));
        for (FanOut.Result<Void> r : results) {
            updates.add(DeploymentRecorder.target(r.target(),
                    r.ok() ? TargetDeploymentStatus.REVERTED : TargetDeploymentStatus.ACTIVE, r.error()));
        }
        for (JobTarget t : switched) {
            if (t.previousVersion() == null) {
                updates.add(DeploymentRecorder.target(t, TargetDeploymentStatus.ACTIVE,
                        "no previous version to return to"));
            }
        }
        return errors(results);
    }

    /** Too many attempts: end without going forward, leaving every target on its previous version. */
    private void giveUp(DeploymentJob job) {
        String reason = giveUpReason(job);
        if (job.status() == ROLLING_OUT && job.plan() != null) {
            waves.giveUp(job, this, reason);
        } else if (job.status() == ROLLING_OUT) {
            rollouts.giveUp(job, reason);
        } else if (job.status() == ACTIVATING) {
            List<TargetProgress> updates = new ArrayList<>();
            String revertErrors = revert(job, job.targets(), updates);
            end(job, ACTIVATING, ROLLED_BACK, reason + (revertErrors == null ? "" : "; revert failed: " + revertErrors),
                    updates);
        } else {
            end(job, job.status(), FAILED, reason, List.of());
        }
    }

    private static String giveUpReason(DeploymentJob job) {
        return "gave up after " + (job.attempts() - 1) + " attempts (the deployers working on it stopped)";
    }

    private void end(DeploymentJob job, DeploymentStatus from, DeploymentStatus to, String error,
            List<TargetProgress> updates) {
        end(job, from, to, error, updates, Map.of());
    }

    /** As above; {@code fates}: what the end records for targets that did not all switch (a wave plan's). */
    void end(DeploymentJob job, DeploymentStatus from, DeploymentStatus to, String error,
            List<TargetProgress> updates, Map<Long, DeploymentOutcome.Fate> fates) {
        recorder.finish(job, from, to, error, updates, fates);
        metrics.finished(job, to);
        if (to == SUCCEEDED) {
            log.info("deployment succeeded id={} service={} version={} targets={}", job.id(), job.service(),
                    job.version(), job.targetNames());
        } else {
            log.warn("deployment {} id={} service={} version={} error={}", to, job.id(), job.service(),
                    job.version(), error);
        }
    }

    static String errors(List<? extends FanOut.Result<?>> results) {
        String joined = results.stream().filter(r -> !r.ok()).map(FanOut.Result::error)
                .collect(Collectors.joining("; "));
        return joined.isEmpty() ? null : joined;
    }
}
