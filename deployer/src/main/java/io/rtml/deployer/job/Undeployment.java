package io.rtml.deployer.job;

import static io.rtml.deployment.DeploymentStatus.ACTIVATING;
import static io.rtml.deployment.DeploymentStatus.FAILED;
import static io.rtml.deployment.DeploymentStatus.ROLLED_BACK;
import static io.rtml.deployment.DeploymentStatus.STAGING;
import static io.rtml.deployment.DeploymentStatus.SUCCEEDED;

import io.rtml.artifact.ArtifactStore;
import io.rtml.deployer.job.DeploymentQueue.VersionArtifact;
import io.rtml.deployer.node.NodeClient.Artifact;
import io.rtml.deployer.node.NodeClient;
import io.rtml.deployment.DeploymentStatus;
import io.rtml.deployment.TargetDeploymentStatus;
import io.rtml.deployment.TargetProgress;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Component;

/**
 * Carries out an UNDEPLOY in the two phases of a deployment, so that it happens on every target
 * or on none. Check (STAGING): every target must answer its admin state call with the node token;
 * one that does not fails the undeployment before anything was removed anywhere. Remove
 * (ACTIVATING): {@code POST /admin/v1/remove} on every target at once; if some fail, the targets
 * that removed the service are given their version back (staged from the registry's artifact and
 * activated) and the undeployment ends ROLLED_BACK. A restore that fails too is named in the error,
 * and reconciliation repairs that target, because its service_target row still desires the version.
 * On success the deployer drops the service_target rows (and, for a service delete, the service).
 *
 * <p>With {@code offline: converge} (its plan is one wave that carries the policy) a target that
 * cannot be reached, or that a recent probe round marked DOWN ({@link ProbedDown}), is left PENDING
 * in both phases instead of failing the undeployment, and the service is removed from the others;
 * all or nothing still holds among the targets that answer. Its service_target row goes like the
 * others' at the end: the pending removal lives in its PENDING row of the SUCCEEDED undeployment,
 * which reconciliation carries out when the node answers again ({@code PendingRemovals}).
 */
@Component
class Undeployment {

    private final NodeClient nodes;
    private final ArtifactStore artifacts;
    private final DeploymentQueue queue;
    private final DeploymentRecorder recorder;
    private final WaveDriver waves;

    Undeployment(NodeClient nodes, ArtifactStore artifacts, DeploymentQueue queue, DeploymentRecorder recorder,
            WaveDriver waves) {
        this.nodes = nodes;
        this.artifacts = artifacts;
        this.queue = queue;
        this.recorder = recorder;
        this.waves = waves;
    }

    /** @param end finishes the deployment (records, metrics, log) */
    void run(DeploymentJob job, Ending end) {
        DeploymentStatus status = job.status();
        if (job.plan() != null) {
            recorder.waveStarted(job, status, 0);
        }
        // targets left to converge: recorded by an earlier attempt, or found by this one's check
        Set<Long> pending = new HashSet<>();
        job.targets().stream().filter(t -> t.status() == TargetDeploymentStatus.PENDING && status == ACTIVATING)
                .forEach(t -> pending.add(t.id()));
        if (status == STAGING && !check(job, end, pending)) {
            return;
        }
        remove(job, end, pending);
    }

    private boolean converges(DeploymentJob job) {
        return job.plan() != null && job.plan().converges();
    }

    /** Too many attempts: end, putting back whatever may have been removed. */
    void giveUp(DeploymentJob job, String reason, Ending end) {
        if (job.status() != ACTIVATING) {
            end.finish(job, job.status(), FAILED, reason, List.of());
            return;
        }
        List<TargetProgress> updates = new ArrayList<>();
        String restoreErrors = restore(job, job.targets(), updates);
        end.finish(job, ACTIVATING, ROLLED_BACK, reason + (restoreErrors == null ? "" : "; restore failed: "
                + restoreErrors), updates);
    }

    private boolean check(DeploymentJob job, Ending end, Set<Long> pending) {
        boolean converge = converges(job);
        List<TargetProgress> updates = new ArrayList<>();
        List<JobTarget> reachable = converge ? waves.skipProbedDown(job, job.targets(), updates) : job.targets();
        List<FanOut.Result<WaveDriver.Step<Object>>> results = FanOut.all(reachable,
                t -> WaveDriver.step(nodes.state(t.node()).thenApply(state -> (Object) state), converge));
        for (FanOut.Result<WaveDriver.Step<Object>> r : results) {
            updates.add(r.ok() && r.value().offline() != null ? WaveDriver.offline(r.target(), r.value().offline())
                    : DeploymentRecorder.target(r.target(), r.ok() ? TargetDeploymentStatus.STAGED
                            : TargetDeploymentStatus.FAILED, r.error()));
        }
        updates.stream().filter(u -> u.status() == TargetDeploymentStatus.PENDING).forEach(u -> pending.add(u.targetId()));
        String errors = DeploymentRunner.errors(results);
        if (errors != null) {
            end.finish(job, STAGING, FAILED, "a target cannot be reached, nothing was removed: " + errors, updates);
            return false;
        }
        recorder.move(job, STAGING, ACTIVATING, updates);
        return true;
    }

    private void remove(DeploymentJob job, Ending end, Set<Long> pending) {
        boolean converge = converges(job);
        List<JobTarget> todo = job.targets().stream().filter(t -> !pending.contains(t.id())).toList();
        List<FanOut.Result<WaveDriver.Step<Void>>> results = FanOut.all(todo,
                t -> WaveDriver.step(nodes.remove(t.node(), job.service()), converge));
        // unreachable now: it answered the check, then went away (the ones left PENDING before keep their rows)
        List<TargetProgress> offline = results.stream().filter(r -> r.ok() && r.value().offline() != null)
                .map(r -> WaveDriver.offline(r.target(), r.value().offline())).toList();
        String errors = DeploymentRunner.errors(results);
        if (errors == null) {
            List<TargetProgress> updates = new ArrayList<>(results.stream().filter(r -> r.value().offline() == null)
                    .map(r -> DeploymentRecorder.target(r.target(), TargetDeploymentStatus.REMOVED, null)).toList());
            updates.addAll(offline);
            end.finish(job, ACTIVATING, SUCCEEDED, null, updates);
            return;
        }
        List<JobTarget> removed = results.stream().filter(r -> r.ok() && r.value().offline() == null)
                .map(FanOut.Result::target).toList();
        List<TargetProgress> updates = new ArrayList<>(results.stream().filter(r -> !r.ok())
                .map(r -> DeploymentRecorder.target(r.target(), TargetDeploymentStatus.FAILED, r.error())).toList());
        updates.addAll(offline);
        String restoreErrors = restore(job, removed, updates);
        end.finish(job, ACTIVATING, ROLLED_BACK, "removal failed, the other targets got their version back: " + errors
                + (restoreErrors == null ? "" : "; restore failed: " + restoreErrors), updates);
    }

    /** Stages and activates each target's previous version again; returns the errors, null if none. */
    private String restore(DeploymentJob job, List<JobTarget> removed, List<TargetProgress> updates) {
        List<JobTarget> restorable = removed.stream().filter(t -> t.previousVersion() != null).toList();
        List<FanOut.Result<Void>> results = FanOut.all(restorable, t -> restoreOn(t, job));
        for (FanOut.Result<Void> r : results) {
            updates.add(DeploymentRecorder.target(r.target(),
                    r.ok() ? TargetDeploymentStatus.REVERTED : TargetDeploymentStatus.REMOVED, r.error()));
        }
        removed.stream().filter(t -> t.previousVersion() == null).forEach(t -> updates.add(
                DeploymentRecorder.target(t, TargetDeploymentStatus.REMOVED, "no version to give back")));
        return DeploymentRunner.errors(results);
    }

    private CompletableFuture<Void> restoreOn(JobTarget t, DeploymentJob job) {
        int version = t.previousVersion();
        VersionArtifact stored = queue.artifactOf(job.serviceId(), version);
        if (stored == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(t.node().name() + ": version " + version
                    + " of the service's model no longer exists"));
        }
        Artifact artifact;
        try {
            artifact = new Artifact(artifacts.presignGet(stored.key()).toURI(), stored.sha256(), stored.sizeBytes(),
                    stored.example());
        } catch (URISyntaxException e) {
            return CompletableFuture.failedFuture(e);
        }
        return nodes.stage(t.node(), job.service(), version, artifact)
                .thenCompose(staged -> nodes.activate(t.node(), job.service(), version));
    }

    /** How the runner ends a deployment. */
    interface Ending {
        void finish(DeploymentJob job, DeploymentStatus from, DeploymentStatus to, String error,
                List<TargetProgress> updates);
    }
}
