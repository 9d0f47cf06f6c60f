package io.rtml.deployment;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * A deployer's writes of the deployment tables: the claim, the lease, the status moves fenced on
 * the claim, the per-target progress, and at the end service_target, the audit event and, for a
 * service delete, the service row. Each method runs in the caller's transaction (the deployer
 * wraps a move or an end in one short transaction); none calls a node.
 *
 * <p>Every status move is checked against {@link DeploymentStatus#canMoveTo} and fenced on this
 * deployer's claim and the expected current status: when a lapsed lease let another deployer take
 * over, the write changes nothing and {@link LostClaimException} stops the caller.
 */
public class DeploymentLedger {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * Takes the oldest in-flight deployment whose lease is free or lapsed, skipping rows another
     * deployer is claiming at this instant ({@code FOR UPDATE SKIP LOCKED}), and stamps it with this
     * instance and a fresh lease; {@code attempts} counts claims. A PENDING deployment makes its first
     * move ({@link DeploymentStatus#next}, bound as a kind → status table) in the same statement,
     * which saves a round trip on the hot path. The optional id limits the claim to one deployment.
     */
    private static final String CLAIM = """
            UPDATE deployment d SET claimed_by = ?, claimed_until = now() + make_interval(secs => ?),
                   attempts = d.attempts + 1,
                   status = CASE WHEN d.status = ? THEN first.status ELSE d.status END,
                   started_at = CASE WHEN d.status = ? THEN now() ELSE d.started_at END
            FROM unnest(?::text[], ?::text[]) AS first(kind, status)
            WHERE first.kind = d.kind
              AND d.id = (SELECT id FROM deployment
                          WHERE status = ANY(?)
                            AND (claimed_until IS NULL OR claimed_until < now())
                            AND (not_before IS NULL OR not_before <= now())
                            AND (?::bigint IS NULL OR id = ?)
                          ORDER BY id
                          FOR UPDATE SKIP LOCKED
                          LIMIT 1)
            RETURNING d.id""";

    private static final String RENEW = """
            UPDATE deployment SET claimed_until = now() + make_interval(secs => ?)
            WHERE id = ? AND claimed_by = ? AND status = ANY(?) AND claimed_until IS NOT NULL""";

    /**
     * A rollout step bakes: record the state, release the claim until {@code not_before}, and reset
     * the attempts (the deployment made progress; the give-up rule counts claims that did not).
     * The decision asked for by hand that this claim acted on is cleared; one asked for since stays,
     * and is taken at once instead of after the bake.
     */
    private static final String BAKE = """
            UPDATE deployment SET rollout_state = ?::jsonb,
                   not_before = CASE WHEN requested_decision IS DISTINCT FROM ? AND requested_decision IS NOT NULL
                                     THEN now() ELSE now() + make_interval(secs => ?) END,
                   claimed_until = NULL, attempts = 0,
                   requested_decision = CASE WHEN requested_decision = ? THEN NULL ELSE requested_decision END
            WHERE id = ? AND claimed_by = ? AND status = ?""";

    private static final String ROLLOUT_STATE = """
            UPDATE deployment SET rollout_state = ?::jsonb,
                   requested_decision = CASE WHEN requested_decision = ? THEN NULL ELSE requested_decision END
            WHERE id = ? AND claimed_by = ? AND status = ANY(?)""";

    /** Fences a write of target progress alone on this deployer's claim and the current status. */
    private static final String STILL_OURS = """
            SELECT id FROM deployment WHERE id = ? AND claimed_by = ? AND status = ? FOR UPDATE""";

    private static final String MOVE = """
            UPDATE deployment SET status = ?,
                   started_at = CASE WHEN ? THEN coalesce(started_at, now()) ELSE started_at END,
                   finished_at = CASE WHEN ? THEN now() ELSE finished_at END,
                   error = coalesce(?, error),
                   claimed_until = CASE WHEN ? THEN NULL ELSE claimed_until END
            WHERE id = ? AND claimed_by = ? AND status = ?""";

    private static final String TARGET = """
            UPDATE deployment_target SET status = ?, error = ?, warmup_error = coalesce(?, warmup_error),
                   staged_at = CASE WHEN ? THEN now() ELSE staged_at END,
                   activated_at = CASE WHEN ? THEN now() ELSE activated_at END
            WHERE deployment_id = ? AND target_id = ?""";

    /**
     * A row whose desired version is null was rebound to another model ({@link DeploymentRequests#forgetVersions}):
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

    /**
     * A target left PENDING by a converging deployment: the version becomes its desired one, for
     * reconciliation to bring; what it runs (active, previous) stays as it is until then.
     */
    private static final String DESIRE = """
            INSERT INTO service_target AS st (service_id, target_id, desired_version, deployed_at, deployed_by)
            VALUES (?, ?, ?, now(), ?)
            ON CONFLICT (service_id, target_id) DO UPDATE SET
                desired_version = EXCLUDED.desired_version,
                deployed_at = EXCLUDED.deployed_at,
                deployed_by = EXCLUDED.deployed_by""";

    /**
     * Reconciliation brought a target a converging deployment left PENDING to its version: the
     * deployment's row for it records when. Only a finished, successful deployment of that version
     * holds such rows (PENDING is no final status of a target otherwise).
     */
    private static final String CONVERGED = """
            UPDATE deployment_target dt SET status = 'ACTIVE', activated_at = now(), converged_at = now(), error = NULL
            FROM deployment d
            WHERE d.id = dt.deployment_id AND d.service_id = ? AND dt.target_id = ? AND d.version = ?
              AND d.status = 'SUCCEEDED' AND dt.status = 'PENDING'
              AND EXISTS (SELECT 1 FROM service_target st WHERE st.service_id = d.service_id
                          AND st.target_id = dt.target_id AND st.desired_version = d.version)
              AND NOT EXISTS (SELECT 1 FROM deployment n WHERE n.service_id = d.service_id AND n.status = ANY(?))""";

    /**
     * A later successful deployment of another version decides what the service runs: a target an
     * earlier converging deployment left PENDING, and that this one did not place, is not to get the
     * older version when it answers again. Its row in that deployment says so, and its desired
     * version goes back to what it runs (the placement goes when it runs nothing of the service).
     */
    private static final String WITHDRAW_ROWS = """
            UPDATE deployment_target dt SET status = 'REVERTED', error = ?
            FROM deployment d, service_target st
            WHERE d.id = dt.deployment_id AND d.service_id = ? AND d.status = 'SUCCEEDED' AND dt.status = 'PENDING'
              AND d.version <> ? AND st.service_id = d.service_id AND st.target_id = dt.target_id
              AND st.desired_version = d.version AND st.active_version IS DISTINCT FROM st.desired_version
              AND dt.target_id <> ALL(?)""";

    private static final String WITHDRAW_UNPLACED = """
            DELETE FROM service_target WHERE service_id = ? AND active_version IS NULL AND desired_version IS NOT NULL
              AND desired_version <> ? AND target_id <> ALL(?)""";

    private static final String WITHDRAW_DESIRED = """
            UPDATE service_target SET desired_version = active_version
            WHERE service_id = ? AND active_version IS NOT NULL AND desired_version IS NOT NULL
              AND desired_version <> active_version AND desired_version <> ? AND target_id <> ALL(?)""";

    /** As {@link #RECORD_ACTIVE}, for a converged target: the version it ran before becomes its previous one. */
    private static final String RECORD_CONVERGED = """
            UPDATE service_target SET previous_version = CASE WHEN active_version IS DISTINCT FROM ?
                                                              THEN active_version ELSE previous_version END,
                   active_version = ?
            WHERE service_id = ? AND target_id = ? AND desired_version = ?
              AND active_version IS DISTINCT FROM ?
              AND NOT EXISTS (SELECT 1 FROM deployment d WHERE d.service_id = ? AND d.status = ANY(?))""";

    private static final String FORGET_PLACEMENT = "DELETE FROM service_target WHERE service_id = ? AND target_id = ?";

    /** Drift repair: the node runs the desired version again; a deployment in flight owns the row instead. */
    private static final String RECORD_ACTIVE = """
            UPDATE service_target SET active_version = ?
            WHERE service_id = ? AND target_id = ? AND desired_version = ?
              AND active_version IS DISTINCT FROM ?
              AND NOT EXISTS (SELECT 1 FROM deployment d WHERE d.service_id = ? AND d.status = ANY(?))""";

    /** Per service_target row of the target: the versions of its service that the node holds ([] for none). */
    private static final String RECORD_HELD = """
            UPDATE service_target st SET held_versions = coalesce(?::jsonb -> s.name, '[]'::jsonb), held_seen_at = now()
            FROM service s WHERE s.id = st.service_id AND st.target_id = ?""";

    /**
     * The ROLLBACK that follows a rollout ended ROLLED_BACK in the history: already done (the stable
     * version never stopped serving), so it is written finished, by whoever asked for the abort, or
     * by the deployer when a guardrail decided.
     */
    private static final String ROLLBACK_OF_ROLLOUT = """
            INSERT INTO deployment (service_id, kind, version, status, requested_by, requested_at, started_at,
                                    finished_at, error, reason, reverts_deployment_id)
            SELECT service_id, ?, ?, ?, CASE WHEN ? THEN coalesce(decision_requested_by, ?) ELSE ? END,
                   now(), now(), now(), ?, ?, id
            FROM deployment WHERE id = ?
            RETURNING id""";

    private static final String ROLLBACK_TARGET = """
            INSERT INTO deployment_target (deployment_id, target_id, status, previous_version, error, activated_at)
            VALUES (?, ?, ?, ?, ?, CASE WHEN ? THEN now() END)""";

    private final JdbcTemplate jdbc;
    private final Claimant claimant;

    public DeploymentLedger(JdbcTemplate jdbc, Claimant claimant) {
        this.jdbc = jdbc;
        this.claimant = claimant;
    }

    public Claimant claimant() {
        return claimant;
    }

    /** Claims the next deployment, if any; see {@link #CLAIM}. */
    public Optional<Long> claim() {
        return claim(null);
    }

    /** Claims this deployment if it is in flight and free. */
    public Optional<Long> claim(long deploymentId) {
        return claim(Long.valueOf(deploymentId));
    }

    private Optional<Long> claim(Long only) {
        DeploymentKind[] kinds = DeploymentKind.values();
        String[] kindNames = Arrays.stream(kinds).map(Enum::name).toArray(String[]::new);
        String[] firstMoves = Arrays.stream(kinds).map(k -> DeploymentStatus.next(k).name()).toArray(String[]::new);
        String pending = DeploymentStatus.PENDING.name();
        return jdbc.queryForList(CLAIM, Long.class, claimant.instanceId(), claimant.leaseSeconds(), pending, pending,
                kindNames, firstMoves, DeploymentStatus.inFlightNames(), only, only).stream().findFirst();
    }

    /** Extends the lease; false when this instance no longer owns the deployment. */
    public boolean renew(long deploymentId) {
        return jdbc.update(RENEW, claimant.leaseSeconds(), deploymentId, claimant.instanceId(),
                DeploymentStatus.inFlightNames()) == 1;
    }

    /**
     * Records the rollout's state and releases the claim for {@code seconds} (a step bakes);
     * {@code actedOn}: the decision asked for by hand that was just carried out, or null.
     */
    public void bake(long deploymentId, RolloutState state, double seconds, String actedOn) {
        int rows = jdbc.update(BAKE, state.toJson(), actedOn, seconds, actedOn, deploymentId, claimant.instanceId(),
                DeploymentStatus.ROLLING_OUT.name());
        if (rows != 1) {
            throw new LostClaimException("deployment " + deploymentId + " is no longer claimed by this deployer");
        }
    }

    /** Records the rollout's state without releasing the claim (before a move or an end). */
    public void recordRollout(long deploymentId, RolloutState state, String actedOn) {
        int rows = jdbc.update(ROLLOUT_STATE, state.toJson(), actedOn, deploymentId, claimant.instanceId(),
                DeploymentStatus.inFlightNames());
        if (rows != 1) {
            throw new LostClaimException("deployment " + deploymentId + " is no longer claimed by this deployer");
        }
    }

    /** Moves to a non-final status and records target progress. */
    public void move(long deploymentId, DeploymentStatus from, DeploymentStatus to, List<TargetProgress> targets) {
        if (to.isFinal()) {
            throw new IllegalArgumentException("a deployment ends with finish, not move: " + to);
        }
        moveStatus(deploymentId, from, to, null);
        updateTargets(deploymentId, targets);
    }

    /** Records target progress without a status move (a wave of a plan ended), fenced like a move. */
    public void progress(long deploymentId, DeploymentStatus at, List<TargetProgress> targets) {
        boolean ours = !jdbc.queryForList(STILL_OURS, Long.class, deploymentId, claimant.instanceId(), at.name()).isEmpty();
        if (!ours || Thread.currentThread().isInterrupted()) {
            throw new LostClaimException("deployment " + deploymentId + " is no longer claimed by this deployer in " + at);
        }
        updateTargets(deploymentId, targets);
    }

    /**
     * Ends the deployment: final status, per-target rows, on success the gallery's service_target
     * rows (an UNDEPLOY drops them), and the audit event.
     */
    public void finish(DeploymentOutcome deployment, DeploymentStatus from, DeploymentStatus to, String error,
            List<TargetProgress> targets) {
        if (!to.isFinal()) {
            throw new IllegalArgumentException("not a final status: " + to);
        }
        moveStatus(deployment.deploymentId(), from, to, error);
        updateTargets(deployment.deploymentId(), targets);
        if (to == DeploymentStatus.SUCCEEDED && deployment.kind() == DeploymentKind.UNDEPLOY) {
            jdbc.batchUpdate(FORGET_PLACEMENT, deployment.targets().stream()
                    .map(target -> new Object[] {deployment.serviceId(), target.targetId()}).toList());
        } else if (to == DeploymentStatus.SUCCEEDED) {
            jdbc.batchUpdate(SERVICE_TARGET, deployment.targets().stream()
                    .filter(target -> target.fate() == DeploymentOutcome.Fate.SWITCHED).map(target -> new Object[] {
                    deployment.serviceId(), target.targetId(), deployment.version(), deployment.version(),
                    target.previousVersion(), deployment.requestedBy()}).toList());
            jdbc.batchUpdate(DESIRE, deployment.targets().stream()
                    .filter(target -> target.fate() == DeploymentOutcome.Fate.CONVERGES).map(target -> new Object[] {
                    deployment.serviceId(), target.targetId(), deployment.version(), deployment.requestedBy()})
                    .toList());
            withdrawOlderDesires(deployment);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("deploymentId", deployment.deploymentId());
        details.put("kind", deployment.kind().name());
        details.put("version", deployment.version());
        details.put("targets", deployment.targetNames());
        if (error != null) {
            details.put("error", error);
        }
        DeploymentRequests.audit(jdbc, "deployer:" + claimant.instanceId(), null,
                "deployment." + to.name().toLowerCase(Locale.ROOT), deployment.service(), details, null);
        if (to == DeploymentStatus.SUCCEEDED && deployment.deletesService()) {
            // The service's deployments go with it (ON DELETE CASCADE); the audit log keeps the story.
            jdbc.update("DELETE FROM service WHERE id = ?", deployment.serviceId());
            DeploymentRequests.audit(jdbc, deployment.requestedBy(), null, "service.delete", deployment.service(),
                    Map.of("deploymentId", deployment.deploymentId(), "undeployedFrom", deployment.targetNames()), null);
        }
    }

    /**
     * Records the return of a rolled back rollout's targets to {@code stableVersion} as a ROLLBACK
     * deployment referring to it, with {@code reason}; {@code byHand}: an abort asked for by a person
     * (named in the rollout's row), else the guardrail's decision. Targets that could not end the
     * split are FAILED there, and the ROLLBACK with them. Returns its id.
     */
    public long recordRollback(DeploymentOutcome rollout, int stableVersion, String reason, boolean byHand,
            List<TargetProgress> targets) {
        List<TargetProgress> failed = targets.stream().filter(t -> t.status() == TargetDeploymentStatus.FAILED).toList();
        DeploymentStatus status = failed.isEmpty() ? DeploymentStatus.SUCCEEDED : DeploymentStatus.FAILED;
        String error = failed.isEmpty() ? null : "the split could not be ended on: "
                + String.join("; ", failed.stream().map(TargetProgress::error).toList());
        String deployer = "deployer:" + claimant.instanceId();
        Long id = jdbc.queryForObject(ROLLBACK_OF_ROLLOUT, Long.class, DeploymentKind.ROLLBACK.name(), stableVersion,
                status.name(), byHand, deployer, deployer, error, reason, rollout.deploymentId());
        jdbc.batchUpdate(ROLLBACK_TARGET, targets.stream().map(t -> {
            boolean ok = t.status() != TargetDeploymentStatus.FAILED;
            return new Object[] {id, t.targetId(), ok ? TargetDeploymentStatus.ACTIVE.name()
                    : TargetDeploymentStatus.FAILED.name(), stableVersion, t.error(), ok};
        }).toList());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("deploymentId", id);
        details.put("kind", DeploymentKind.ROLLBACK.name());
        details.put("version", stableVersion);
        details.put("reverts", rollout.deploymentId());
        details.put("reason", reason);
        DeploymentRequests.audit(jdbc, deployer, null, "deployment." + status.name().toLowerCase(Locale.ROOT),
                rollout.service(), details, null);
        return id;
    }

    /** Drift repair put the desired version back on a node: record it as active, unless a deployment is in flight. */
    public void recordActive(long serviceId, long targetId, int version) {
        jdbc.update(RECORD_ACTIVE, version, serviceId, targetId, version, version, serviceId,
                DeploymentStatus.inFlightNames());
    }

    /**
     * Reconciliation brought the desired version to a target: record it as active (the version it
     * ran before becomes its previous one) and, where a converging deployment left the target
     * PENDING, when it converged. Unless a deployment of the service is in flight.
     */
    public void recordConverged(long serviceId, long targetId, int version) {
        jdbc.update(RECORD_CONVERGED, version, version, serviceId, targetId, version, version, serviceId,
                DeploymentStatus.inFlightNames());
        jdbc.update(CONVERGED, serviceId, targetId, version, DeploymentStatus.inFlightNames());
    }

    /** See {@link #WITHDRAW_ROWS}. */
    private void withdrawOlderDesires(DeploymentOutcome deployment) {
        Long[] placed = deployment.targets().stream().filter(t -> t.fate() != DeploymentOutcome.Fate.UNCHANGED)
                .map(DeploymentOutcome.Placement::targetId).toArray(Long[]::new);
        String why = "withdrawn by " + deployment.kind().name().toLowerCase(Locale.ROOT) + " "
                + deployment.deploymentId() + " before it converged";
        jdbc.update(WITHDRAW_ROWS, why, deployment.serviceId(), deployment.version(), placed);
        jdbc.update(WITHDRAW_UNPLACED, deployment.serviceId(), deployment.version(), placed);
        jdbc.update(WITHDRAW_DESIRED, deployment.serviceId(), deployment.version(), placed);
    }

    /** What a probe saw a node hold: a JSON object of service name → versions. */
    public void recordHeld(long targetId, Map<String, ? extends Collection<Integer>> heldByService) {
        jdbc.update(RECORD_HELD, JSON.writeValueAsString(heldByService), targetId);
    }

    /** What one probe round saw the nodes hold, by target id: one round trip for all of them (a JDBC batch). */
    public void recordHeld(Map<Long, ? extends Map<String, ? extends Collection<Integer>>> heldByTarget) {
        if (!heldByTarget.isEmpty()) {
            jdbc.batchUpdate(RECORD_HELD, heldByTarget.entrySet().stream()
                    .map(e -> new Object[] {JSON.writeValueAsString(e.getValue()), e.getKey()}).toList());
        }
    }

    private void moveStatus(long deploymentId, DeploymentStatus from, DeploymentStatus to, String error) {
        if (!from.canMoveTo(to)) {
            throw new IllegalStateException("deployment " + deploymentId + " cannot move from " + from + " to " + to);
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new LostClaimException("stopping: deployment " + deploymentId + " left as " + from);
        }
        boolean last = to.isFinal();
        int rows = jdbc.update(MOVE, to.name(), to == DeploymentStatus.STAGING, last, error, last, deploymentId, claimant.instanceId(), from.name());
        if (rows != 1) {
            throw new LostClaimException("deployment " + deploymentId + " is no longer claimed by this deployer in "
                    + from);
        }
    }

    /** One round trip for all targets (a JDBC batch). */
    private void updateTargets(long deploymentId, List<TargetProgress> targets) {
        if (!targets.isEmpty()) {
            jdbc.batchUpdate(TARGET, targets.stream().map(t -> new Object[] {t.status().name(), t.error(),
                    t.warmupError(), t.status() == TargetDeploymentStatus.STAGED,
                    t.status() == TargetDeploymentStatus.ACTIVE, deploymentId, t.targetId()}).toList());
        }
    }
}
