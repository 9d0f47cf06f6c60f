package io.rtml.deployer.job;

import io.rtml.deployment.WholeNumbers;
import static io.rtml.deployment.DeploymentStatus.ACTIVATING;
import static io.rtml.deployment.DeploymentStatus.ROLLED_BACK;
import static io.rtml.deployment.DeploymentStatus.ROLLING_OUT;

import io.rtml.deployer.node.NodeClient;
import io.rtml.deployer.rollout.Guard;
import io.rtml.deployer.rollout.VersionFigures;
import io.rtml.deployment.DeploymentStatus;
import io.rtml.deployment.Rollout;
import io.rtml.deployment.RolloutState;
import io.rtml.deployment.RolloutState.Decision;
import io.rtml.deployment.RolloutState.Measurements;
import io.rtml.deployment.TargetDeploymentStatus;
import io.rtml.deployment.TargetProgress;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.core.type.TypeReference;

/**
 * Carries a staged deployment through its rollout steps (docs/deployer.md "Canary rollouts"). A
 * step starts by setting the candidate's share on every target and taking a telemetry snapshot from
 * each; then the deployer releases its claim for the bake time ({@code not_before}), so no lease is
 * held for minutes and a restarted deployer resumes. When the bake is over a deployer claims it
 * again, takes a second snapshot, and judges the window (candidate against stable, summed over the
 * targets): the next step, activation at 100% (the previous version stays loaded as standby), a
 * wait for more requests, or a rollback: the split ends on every target, and the stable version,
 * which never stopped serving, takes all requests again. A PROMOTE or ABORT asked for by hand is
 * taken at the next claim, which the registry brings forward to now.
 */
@Component
class RolloutDriver {

    private static final Logger log = LoggerFactory.getLogger(RolloutDriver.class);
    private static final JsonMapper JSON = WholeNumbers.strictMapper().build();
    private static final TypeReference<Map<String, Map<String, VersionFigures>>> SNAPSHOTS = new TypeReference<>() {};
    static final String DEPLOYER = "deployer";

    private final NodeClient nodes;
    private final DeploymentRecorder recorder;
    private final DeploymentMetrics metrics;
    private final Clock clock;

    RolloutDriver(NodeClient nodes, DeploymentRecorder recorder, DeploymentMetrics metrics) {
        this.nodes = nodes;
        this.recorder = recorder;
        this.metrics = metrics;
        this.clock = Clock.systemUTC();
    }

    /**
     * Takes the rollout one claim further; {@code activate} finishes it (the runner's activation,
     * which ends the split on the nodes). Returns when the step bakes or the deployment moved on.
     */
    void drive(DeploymentJob job, Runnable activate) {
        Rollout rollout = job.rollout();
        RolloutState state = job.rolloutState() != null ? job.rolloutState()
                : RolloutState.first(rollout.shadow() ? rollout.percent() : rollout.steps().get(0));
        String asked = job.requestedDecision();
        String actedOn = asked; // cleared with the next write, so that the same request is not taken twice
        if ("ABORT".equals(asked)) {
            rollBack(job, state, actedOn, new Decision(clock.instant(), state.step(), state.percent(), "ROLL_BACK",
                    "by hand", "aborted by hand", null));
            return;
        }
        if (rollout.shadow()) {
            shadow(job, state, asked);
            return;
        }
        while (true) {
            if (state.stepStartedAt() == null) {
                String failed = startStep(job, state);
                if (failed != null) {
                    rollBack(job, state, actedOn, new Decision(clock.instant(), state.step(), state.percent(),
                            "ROLL_BACK", DEPLOYER, "the split could not be set: " + failed, null));
                    return;
                }
                state = state.started(clock.instant(), snapshots(job));
                recorder.bake(job, state, rollout.bakeSeconds(), actedOn);
                log.info("rollout id={} service={} version={} step {} at {}%: baking {}s", job.id(), job.service(),
                        job.version(), state.step() + 1, state.percent(), rollout.bakeSeconds());
                return;
            }
            Measurements window = measure(job, state);
            Decision decision;
            if ("PROMOTE".equals(asked)) {
                decision = decision(state, "PROMOTE", "by hand", "promoted by hand", window);
            } else {
                Guard.Judgement judgement = Guard.judge(rollout.guardrails(), window);
                decision = decision(state, judgement.verdict().name(), DEPLOYER, judgement.reason(), window);
                if (judgement.verdict() == Guard.Verdict.ROLL_BACK) {
                    rollBack(job, state, actedOn, decision);
                    return;
                }
                if (judgement.verdict() == Guard.Verdict.WAIT) {
                    // The window keeps growing from the step's start until it has enough requests.
                    RolloutState waiting = state.waiting(judgement.reason(), window);
                    if (state.waiting() == null) {
                        waiting = waiting.decided(decision);
                    }
                    recorder.bake(job, waiting, rollout.bakeSeconds(), actedOn);
                    return;
                }
            }
            int next = state.step() + 1;
            if (next >= rollout.steps().size() || rollout.steps().get(next) == 100) {
                RolloutState last = state.decided(new Decision(decision.at(), state.step(), state.percent(),
                        "ACTIVATE", decision.by(), decision.reason(), window));
                recorder.move(job, last, actedOn, ROLLING_OUT, ACTIVATING);
                log.info("rollout id={} service={} version={}: activating ({})", job.id(), job.service(),
                        job.version(), decision.reason());
                activate.run();
                return;
            }
            state = state.decided(decision).next(rollout.steps().get(next));
            asked = null; // taken: the next step is judged by the guard
        }
    }

    /**
     * A shadow rollout: the candidate scores {@code percent} of the requests after their replies for
     * {@code durationSeconds}, then the shadow ends and the deployment ends SHADOWED with the
     * candidate's agreement and latency. PROMOTE ends it early the same way; ABORT ends it ROLLED_BACK.
     * No target ever serves the candidate.
     */
    private void shadow(DeploymentJob job, RolloutState state, String asked) {
        Rollout rollout = job.rollout();
        if (state.stepStartedAt() == null) {
            String failed = DeploymentRunner.errors(FanOut.all(job.targets(),
                    t -> nodes.shadow(t.node(), job.service(), job.version(), rollout.percent())));
            if (failed != null) {
                rollBack(job, state, asked, new Decision(clock.instant(), 0, rollout.percent(), "ROLL_BACK", DEPLOYER,
                        "the shadow could not be set: " + failed, null));
                return;
            }
            recorder.bake(job, state.started(clock.instant(), snapshots(job)), rollout.durationSeconds(), asked);
            log.info("shadow id={} service={} version={} at {}% for {}s", job.id(), job.service(), job.version(),
                    rollout.percent(), rollout.durationSeconds());
            return;
        }
        Measurements window = measure(job, state, true);
        if ("ABORT".equals(asked)) {
            rollBack(job, state, asked, decision(state, "ROLL_BACK", "by hand", "aborted by hand", window));
            return;
        }
        List<FanOut.Result<Void>> ended = FanOut.all(job.targets(), t -> nodes.clearShadow(t.node(), job.service()));
        RolloutState.ShadowWindow s = window.shadow();
        String summary = String.format("shadow of version %d: %d runs compared, %s agreed; %d failed, %d dropped;"
                + " candidate p50 %s ms, p99 %s ms", job.version(), s.compared(),
                s.agreementRatio() == null ? "none" : String.format("%.2f%%", 100 * s.agreementRatio()), s.failed(),
                s.dropped(), s.p50Millis() == null ? "-" : String.format("%.2f", s.p50Millis()),
                s.p99Millis() == null ? "-" : String.format("%.2f", s.p99Millis()));
        String errors = DeploymentRunner.errors(ended);
        Decision done = decision(state, "SHADOWED", "PROMOTE".equals(asked) ? "by hand" : DEPLOYER, summary, window);
        recorder.finish(job, state.decided(done), asked, ROLLING_OUT, DeploymentStatus.SHADOWED,
                errors == null ? null : "the shadow could not be ended on: " + errors, ended.stream()
                        .map(r -> DeploymentRecorder.target(r.target(), TargetDeploymentStatus.STAGED, r.error()))
                        .toList());
        metrics.finished(job, DeploymentStatus.SHADOWED);
        log.info("shadow id={} service={} ended: {}", job.id(), job.service(), summary);
    }

    /** The deployers working on it kept stopping: back to the stable version. */
    void giveUp(DeploymentJob job, String reason) {
        RolloutState state = job.rolloutState() != null ? job.rolloutState()
                : RolloutState.first(job.rollout().shadow() ? job.rollout().percent() : job.rollout().steps().get(0));
        rollBack(job, state, job.requestedDecision(), new Decision(clock.instant(), state.step(), state.percent(),
                "ROLL_BACK", DEPLOYER, reason, null));
    }

    private static Decision decision(RolloutState state, String action, String by, String reason, Measurements m) {
        return new Decision(m.to(), state.step(), state.percent(), action, by, reason, m);
    }

    /** Sets the step's split on every target; the errors joined, null when all took it. */
    private String startStep(DeploymentJob job, RolloutState state) {
        return DeploymentRunner.errors(FanOut.all(job.targets(),
                t -> nodes.traffic(t.node(), job.service(), job.version(), state.percent())));
    }

    /** Per target name, the figures of the stable and the candidate version (keyed by version number). */
    private JsonNode snapshots(DeploymentJob job) {
        Map<String, Map<String, VersionFigures>> all = new LinkedHashMap<>();
        for (FanOut.Result<JsonNode> r : FanOut.all(job.targets(), t -> nodes.telemetry(t.node()))) {
            if (!r.ok()) {
                log.warn("rollout id={}: no telemetry from {}", job.id(), r.error());
                continue;
            }
            Map<String, VersionFigures> versions = new LinkedHashMap<>();
            versions.put(String.valueOf(job.version()), VersionFigures.of(r.value(), job.service(), job.version()));
            Integer stable = r.target().previousVersion();
            if (stable != null) {
                versions.put(String.valueOf(stable), VersionFigures.of(r.value(), job.service(), stable));
            }
            all.put(r.target().node().name(), versions);
        }
        return JSON.valueToTree(all);
    }

    /** The window since the step started, candidate and stable each summed over the targets. */
    private Measurements measure(DeploymentJob job, RolloutState state) {
        return measure(job, state, false);
    }

    private Measurements measure(DeploymentJob job, RolloutState state, boolean shadow) {
        Map<String, Map<String, VersionFigures>> before = state.baseline() == null ? Map.of()
                : JSON.convertValue(state.baseline(), SNAPSHOTS);
        Map<String, Map<String, VersionFigures>> now = JSON.convertValue(snapshots(job), SNAPSHOTS);
        VersionFigures candidate = VersionFigures.NONE;
        VersionFigures stable = VersionFigures.NONE;
        for (JobTarget t : job.targets()) {
            Map<String, VersionFigures> then = before.getOrDefault(t.node().name(), Map.of());
            Map<String, VersionFigures> current = now.getOrDefault(t.node().name(), Map.of());
            String c = String.valueOf(job.version());
            candidate = candidate.plus(current.getOrDefault(c, VersionFigures.NONE).minus(then.get(c)));
            if (t.previousVersion() != null) {
                String s = String.valueOf(t.previousVersion());
                stable = stable.plus(current.getOrDefault(s, VersionFigures.NONE).minus(then.get(s)));
            }
        }
        int stableVersion = job.targets().stream().map(JobTarget::previousVersion).filter(Objects::nonNull)
                .findFirst().orElse(0);
        return shadow
                ? Guard.measureShadow(state.stepStartedAt(), clock.instant(), stableVersion, stable, job.version(),
                        candidate)
                : Guard.measure(state.stepStartedAt(), clock.instant(), stableVersion, stable, job.version(), candidate);
    }

    /**
     * Ends the split (or the shadow) everywhere, so the stable version takes every request again, and
     * records ROLLED_BACK; a canary's return to the stable version follows it in the service's history
     * as a ROLLBACK deployment with the reason.
     */
    private void rollBack(DeploymentJob job, RolloutState state, String asked, Decision decision) {
        List<FanOut.Result<Void>> results = FanOut.all(job.targets(), t -> job.rollout().shadow()
                ? nodes.clearShadow(t.node(), job.service()) : nodes.clearTraffic(t.node(), job.service()));
        List<TargetProgress> updates = results.stream().map(r -> DeploymentRecorder.target(r.target(),
                r.ok() ? TargetDeploymentStatus.REVERTED : TargetDeploymentStatus.FAILED, r.error())).toList();
        String errors = DeploymentRunner.errors(results);
        String reason = "rolled back at step " + (state.step() + 1) + " (" + state.percent() + "%): "
                + decision.reason() + (errors == null ? "" : "; the split could not be ended on: " + errors);
        if (job.rollout().shadow()) {
            // No target served the candidate: nothing went back, so no ROLLBACK is recorded.
            recorder.finish(job, state.decided(decision), asked, ROLLING_OUT, ROLLED_BACK, reason, updates);
        } else {
            Integer stable = job.targets().stream().map(JobTarget::previousVersion).filter(Objects::nonNull)
                    .findFirst().orElse(null);
            recorder.rolledBack(job, state.decided(decision), asked, reason, stable, "by hand".equals(decision.by()),
                    updates);
        }
        metrics.finished(job, ROLLED_BACK);
        log.warn("rollout id={} service={} version={} {}", job.id(), job.service(), job.version(), reason);
    }
}
