package io.rtml.deployer.job;

import static io.rtml.deployment.DeploymentStatus.ACTIVATING;
import static io.rtml.deployment.DeploymentStatus.FAILED;
import static io.rtml.deployment.DeploymentStatus.ROLLED_BACK;
import static io.rtml.deployment.DeploymentStatus.ROLLING_OUT;
import static io.rtml.deployment.DeploymentStatus.STAGING;
import static io.rtml.deployment.DeploymentStatus.SUCCEEDED;

import io.rtml.deployer.node.NodeCallException;
import io.rtml.deployer.node.NodeClient.Artifact;
import io.rtml.deployer.node.NodeClient.StageResult;
import io.rtml.deployment.DeploymentOutcome.Fate;
import io.rtml.deployment.LostClaimException;
import io.rtml.deployment.TargetDeploymentStatus;
import io.rtml.deployment.TargetProgress;
import io.rtml.deployment.WavePlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Drives a deployment with a {@link WavePlan} (docs/deployer.md "Waves"): STAGING → ROLLING_OUT,
 * then wave after wave, each all-or-nothing on its own targets (stage there; activate there only if
 * every target of the wave staged; if an activation fails, the wave's switched targets go back),
 * with the plan's bake between waves. After each wave the failed share of the whole deployment is
 * checked: past {@code maxFailedPercent} every target already switched goes back to its previous
 * version (which it keeps loaded) and the deployment ends FAILED, each target with its reason.
 * Under {@code offline: converge} a target that cannot be reached is left PENDING, is not counted as
 * failed, and the deployment's end records the version as its desired one: reconciliation brings
 * it once the node answers again, and records when ({@code converged_at}). Targets a recent probe
 * round holds DOWN are left PENDING under {@code converge} without a call ({@link ProbedDown}).
 * Each wave's start and end are recorded ({@link WaveTimes}); the bake lies between one wave's end
 * and the next one's start.
 *
 * <p>A resumed attempt (another deployer, after a crash) carries on from the recorded per-target
 * statuses: targets already ACTIVE or FAILED are done, the others' waves run again (stage and
 * activate are idempotent on the nodes). A bake holds the job's slot; a resumed one starts again.
 */
@Component
class WaveDriver {

    private static final Logger log = LoggerFactory.getLogger(WaveDriver.class);

    private final DeploymentRecorder recorder;
    private final ProbedDown probedDown;

    WaveDriver(DeploymentRecorder recorder, ProbedDown probedDown) {
        this.recorder = recorder;
        this.probedDown = probedDown;
    }

    /** What became of one target in a wave's step. */
    record Step<T>(T value, String offline) {}

    /** Where each target stands while the waves run; starts from the recorded statuses. */
    private static final class Board {
        final Map<Long, TargetDeploymentStatus> status = new HashMap<>();
        final Map<Long, JobTarget> byId = new LinkedHashMap<>();

        Board(DeploymentJob job) {
            for (JobTarget t : job.targets()) {
                status.put(t.id(), t.status());
                byId.put(t.id(), t);
            }
        }

        long count(TargetDeploymentStatus s) {
            return status.values().stream().filter(s::equals).count();
        }

        void apply(List<TargetProgress> updates) {
            updates.forEach(u -> status.put(u.targetId(), u.status()));
        }
    }

    void drive(DeploymentJob job, DeploymentRunner runner) {
        WavePlan plan = job.plan();
        if (job.status() == STAGING) {
            recorder.move(job, STAGING, ROLLING_OUT, List.of());
        }
        Board board = new Board(job);
        if (job.status() != ACTIVATING) {
            int waves = plan.waves().size();
            for (int n = 0; n < waves; n++) {
                int wave = n;
                List<JobTarget> todo = job.targets().stream().filter(t -> t.wave() == wave)
                        .filter(t -> board.status.get(t.id()) == TargetDeploymentStatus.PENDING
                                || board.status.get(t.id()) == TargetDeploymentStatus.STAGED)
                        .toList();
                if (todo.isEmpty()) {
                    continue;
                }
                recorder.waveStarted(job, ROLLING_OUT, wave);
                List<TargetProgress> updates = runWave(job, runner, wave, todo);
                board.apply(updates);
                long failed = board.count(TargetDeploymentStatus.FAILED);
                int total = job.targets().size();
                if (failed * 100 > (long) plan.maxFailedPercent() * total) {
                    // this wave ends with the deployment, once the switched targets went back (WaveTimes)
                    recorder.progress(job, ROLLING_OUT, updates);
                    abort(job, runner, board, "wave " + (wave + 1) + " of " + waves + " (" + plan.waves().get(wave)
                            + "): " + failed + " of " + total + " targets failed, past maxFailedPercent "
                            + plan.maxFailedPercent() + "; " + errors(updates));
                    return;
                }
                recorder.waveFinished(job, ROLLING_OUT, wave, updates);
                log.info("deployment id={} service={} wave {}/{} done: {} active, {} failed, {} pending", job.id(),
                        job.service(), wave + 1, waves, board.count(TargetDeploymentStatus.ACTIVE), failed,
                        board.count(TargetDeploymentStatus.PENDING));
                if (wave < waves - 1) {
                    bake(plan.bakeAfter(wave));
                }
            }
            recorder.move(job, ROLLING_OUT, ACTIVATING, List.of());
        }
        succeed(job, runner, board);
    }

    /** Too many attempts while rolling out: the switched targets go back, the deployment ends FAILED. */
    void giveUp(DeploymentJob job, DeploymentRunner runner, String reason) {
        abort(job, runner, new Board(job), reason);
    }

    /**
     * One wave, all or nothing on the targets that answer: returns each target's new status. An
     * unreachable target under {@code converge} stays PENDING with the reason.
     */
    private List<TargetProgress> runWave(DeploymentJob job, DeploymentRunner runner, int wave, List<JobTarget> all) {
        boolean converge = job.plan().converges();
        List<TargetProgress> updates = new ArrayList<>();
        List<JobTarget> todo = skipProbedDown(job, all, updates);
        Artifact artifact = runner.artifact(job);
        List<FanOut.Result<Step<StageResult>>> staged = FanOut.all(todo,
                t -> step(runner.stageOn(t, job, artifact), converge));
        List<JobTarget> ready = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (FanOut.Result<Step<StageResult>> r : staged) {
            if (!r.ok()) {
                failures.add(r.error());
                updates.add(DeploymentRecorder.target(r.target(), TargetDeploymentStatus.FAILED, r.error()));
            } else if (r.value().offline() != null) {
                updates.add(offline(r.target(), r.value().offline()));
            } else {
                ready.add(r.target());
            }
        }
        if (!failures.isEmpty()) {
            String why = "wave " + (wave + 1) + " not activated: " + failures.size() + " of its targets failed to stage";
            ready.forEach(t -> updates.add(DeploymentRecorder.target(t, TargetDeploymentStatus.STAGED, why)));
            return updates;
        }
        updates.addAll(activate(job, runner, wave, ready));
        return updates;
    }

    /**
     * The activation half of a wave, all or nothing on the targets that answer: if one fails, the
     * others that switched go back. Returns each target's new status.
     */
    private List<TargetProgress> activate(DeploymentJob job, DeploymentRunner runner, int wave, List<JobTarget> ready) {
        boolean converge = job.plan().converges();
        List<String> failures = new ArrayList<>();
        List<FanOut.Result<Step<Void>>> activated = FanOut.all(ready, t -> step(runner.activateOn(t, job), converge));
        List<JobTarget> switched = new ArrayList<>();
        List<TargetProgress> activations = new ArrayList<>();
        for (FanOut.Result<Step<Void>> r : activated) {
            if (!r.ok()) {
                failures.add(r.error());
                activations.add(DeploymentRecorder.target(r.target(), TargetDeploymentStatus.FAILED, r.error()));
            } else if (r.value().offline() != null) {
                activations.add(offline(r.target(), r.value().offline()));
            } else {
                switched.add(r.target());
            }
        }
        if (failures.isEmpty()) {
            switched.forEach(t -> activations.add(DeploymentRecorder.target(t, TargetDeploymentStatus.ACTIVE, null)));
        } else {
            String revertErrors = runner.revert(job, switched, activations);
            if (revertErrors != null) {
                log.warn("deployment id={} wave {}: revert failed: {}", job.id(), wave + 1, revertErrors);
            }
        }
        return activations;
    }

    /**
     * A rollback with an offline policy (its plan is one wave that carries it): the claim moved it
     * straight to ACTIVATING, as any rollback, since the nodes keep the version it returns to loaded
     * (one that does not is staged by {@link DeploymentRunner#activateOn}). One activation wave on
     * every target, all or nothing on those that answer: SUCCEEDED with the unreachable ones left to
     * converge, or ROLLED_BACK when one that answered failed. A resumed attempt activates again
     * (idempotent on the nodes): its per-target statuses are written only at its end.
     */
    void rollBack(DeploymentJob job, DeploymentRunner runner) {
        Board board = new Board(job);
        recorder.waveStarted(job, ACTIVATING, 0);
        List<TargetProgress> updates = new ArrayList<>();
        List<JobTarget> reachable = skipProbedDown(job, job.targets(), updates);
        updates.addAll(activate(job, runner, 0, reachable));
        List<String> failed = updates.stream().filter(u -> u.status() == TargetDeploymentStatus.FAILED)
                .map(TargetProgress::error).toList();
        if (!failed.isEmpty()) {
            // a target whose revert failed stays ACTIVE with its own error
            runner.end(job, ACTIVATING, ROLLED_BACK, "activation failed, the targets that switched went back: "
                    + String.join("; ", failed), updates, Map.of());
            return;
        }
        board.apply(updates);
        runner.end(job, ACTIVATING, SUCCEEDED, null, updates, fates(board));
    }

    /**
     * Under {@code converge}: the targets of {@code todo} that a recent probe round marked DOWN are
     * left PENDING at once, without a call ({@link ProbedDown}); returns the others. Under {@code fail}
     * every target is called, as before: a DOWN mark decides nothing there.
     */
    List<JobTarget> skipProbedDown(DeploymentJob job, List<JobTarget> todo, List<TargetProgress> updates) {
        if (!job.plan().converges()) {
            return todo;
        }
        Set<Long> down = probedDown.among(todo);
        if (down.isEmpty()) {
            return todo;
        }
        List<JobTarget> rest = new ArrayList<>();
        for (JobTarget t : todo) {
            if (down.contains(t.id())) {
                updates.add(DeploymentRecorder.target(t, TargetDeploymentStatus.PENDING, ProbedDown.reason()));
            } else {
                rest.add(t);
            }
        }
        log.info("deployment id={} service={}: {} targets marked DOWN by the probes left to converge", job.id(),
                job.service(), down.size());
        return rest;
    }

    /** Marks a step's outcome: an unreachable node under {@code converge} is no failure. */
    static <T> CompletableFuture<Step<T>> step(CompletableFuture<T> call, boolean converge) {
        return call.handle((value, error) -> {
            if (error == null) {
                return new Step<>(value, null);
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (converge && unreachable(cause)) {
                return new Step<>(null, cause.getMessage());
            }
            throw error instanceof CompletionException c ? c : new CompletionException(cause);
        });
    }

    /**
     * A node that did not answer at all (refused or timed-out connection): an edge that is down or
     * out of reach, as opposed to one that answered with an error.
     */
    static boolean unreachable(Throwable error) {
        String message = String.valueOf(error.getMessage());
        return NodeCallException.statusOf(error) == 0 && (message.contains("ConnectException")
                || message.contains("HttpConnectTimeoutException"));
    }

    static TargetProgress offline(JobTarget target, String reason) {
        return DeploymentRecorder.target(target, TargetDeploymentStatus.PENDING,
                "unreachable, left to converge when it answers: " + reason);
    }

    /** Every switched target back to its previous version; the deployment ends FAILED with {@code reason}. */
    private void abort(DeploymentJob job, DeploymentRunner runner, Board board, String reason) {
        List<JobTarget> switched = board.byId.values().stream()
                .filter(t -> board.status.get(t.id()) == TargetDeploymentStatus.ACTIVE).toList();
        List<TargetProgress> updates = new ArrayList<>();
        String revertErrors = runner.revert(job, switched, updates);
        String error = reason + (switched.isEmpty() ? "" : "; the " + switched.size()
                + " targets already switched went back to their previous version")
                + (revertErrors == null ? "" : "; revert failed: " + revertErrors);
        runner.end(job, ROLLING_OUT, FAILED, error, updates, Map.of());
    }

    /**
     * The end of a plan that stayed within its threshold: SUCCEEDED; switched targets record the
     * version, PENDING (unreachable) ones record it as desired, failed ones nothing.
     */
    private void succeed(DeploymentJob job, DeploymentRunner runner, Board board) {
        Map<Long, Fate> fates = fates(board);
        long failed = board.count(TargetDeploymentStatus.FAILED) + board.count(TargetDeploymentStatus.STAGED);
        String error = failed == 0 ? null : failed + " of " + job.targets().size()
                + " targets did not switch, within maxFailedPercent " + job.plan().maxFailedPercent();
        runner.end(job, ACTIVATING, SUCCEEDED, error, List.of(), fates);
    }

    /** Switched targets record the version, PENDING (unreachable) ones record it as desired, failed ones nothing. */
    private static Map<Long, Fate> fates(Board board) {
        Map<Long, Fate> fates = new HashMap<>();
        board.status.forEach((id, s) -> fates.put(id, s == TargetDeploymentStatus.ACTIVE ? Fate.SWITCHED
                : s == TargetDeploymentStatus.PENDING ? Fate.CONVERGES : Fate.UNCHANGED));
        return fates;
    }

    private static void bake(int seconds) {
        if (seconds <= 0) {
            return;
        }
        try {
            Thread.sleep(seconds * 1000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LostClaimException("interrupted while a wave baked");
        }
    }

    private static String errors(List<TargetProgress> updates) {
        return String.join("; ", updates.stream().filter(u -> u.status() == TargetDeploymentStatus.FAILED)
                .map(TargetProgress::error).toList());
    }
}
