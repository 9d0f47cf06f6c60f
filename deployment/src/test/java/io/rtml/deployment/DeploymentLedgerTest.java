package io.rtml.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtml.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The writer of the deployment tables on the real schema (migrated with the real Flyway scripts):
 * requests, claims fenced by lease and status, service_target's previous versions, audit rows.
 */
class DeploymentLedgerTest {

    private static JdbcTemplate jdbc;
    private static TransactionTemplate tx;

    private DeploymentRequests requests;
    private DeploymentLedger one;
    private DeploymentLedger two;
    private long serviceId;
    private String service;
    private long hub;
    private long edge;

    @BeforeAll
    static void database() {
        TestDatabase.Connection db = TestDatabase.get();
        Flyway.configure().dataSource(db.jdbcUrl(), db.username(), db.password())
                .locations("classpath:db/migration").load().migrate();
        SingleConnectionDataSource ds = new SingleConnectionDataSource(db.jdbcUrl(), db.username(), db.password(), true);
        jdbc = new JdbcTemplate(ds);
        tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
    }

    @BeforeEach
    void serviceOnTwoTargets() {
        requests = new DeploymentRequests(jdbc);
        one = new DeploymentLedger(jdbc, new Claimant("one", Duration.ofSeconds(30), 2));
        two = new DeploymentLedger(jdbc, new Claimant("two", Duration.ofSeconds(30), 2));
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        long model = jdbc.queryForObject("""
                INSERT INTO registered_model (name, created_at, created_by, updated_at)
                VALUES (?, now(), 'test', now()) RETURNING id""", Long.class, "m-" + suffix);
        service = "s-" + suffix;
        serviceId = jdbc.queryForObject("""
                INSERT INTO service (name, model_id, created_at, created_by)
                VALUES (?, ?, now(), 'test') RETURNING id""", Long.class, service, model);
        hub = target("hub-" + suffix);
        edge = target("edge-" + suffix);
    }

    @Test
    void aRequestIsOnePendingRowPerTargetAndItsAuditEvent() {
        long id = request(DeploymentKind.DEPLOY, 1);

        assertThat(status(id)).isEqualTo("PENDING");
        assertThat(jdbc.queryForList("SELECT status FROM deployment_target WHERE deployment_id = ?", String.class, id))
                .containsExactly("PENDING", "PENDING");
        assertThat(jdbc.queryForObject("SELECT details ->> 'deploymentId' FROM audit_event WHERE entity_name = ?"
                + " AND action = 'deployment.request'", String.class, service)).isEqualTo(String.valueOf(id));
    }

    @Test
    void theClaimMakesTheFirstMoveAndNoSecondDeployerGetsTheRowWhileTheLeaseRuns() {
        long deploy = request(DeploymentKind.DEPLOY, 1);

        assertThat(one.claim(deploy)).contains(deploy);
        assertThat(status(deploy)).isEqualTo("STAGING");
        assertThat(two.claim(deploy)).isEmpty();
        assertThat(jdbc.queryForMap("SELECT claimed_by, attempts, started_at FROM deployment WHERE id = ?", deploy))
                .containsEntry("claimed_by", "one").containsEntry("attempts", 1).doesNotContainEntry("started_at", null);

        finish(one, deploy, DeploymentStatus.FAILED);
        long rollback = request(DeploymentKind.ROLLBACK, 1);
        assertThat(one.claim(rollback)).contains(rollback);
        assertThat(status(rollback)).isEqualTo("ACTIVATING");
    }

    @Test
    void writesAreFencedOnTheClaimAndTheExpectedStatus() {
        long id = request(DeploymentKind.DEPLOY, 1);
        DeploymentLedger brief = new DeploymentLedger(jdbc, new Claimant("brief", Duration.ofMillis(300), 2));
        brief.claim(id);

        assertThatThrownBy(() -> two.move(id, DeploymentStatus.STAGING, DeploymentStatus.ACTIVATING, List.of()))
                .isInstanceOf(LostClaimException.class);
        assertThatThrownBy(() -> brief.move(id, DeploymentStatus.PENDING, DeploymentStatus.STAGING, List.of()))
                .as("the row is STAGING already").isInstanceOf(LostClaimException.class);
        assertThatThrownBy(() -> brief.move(id, DeploymentStatus.STAGING, DeploymentStatus.SUCCEEDED, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(two.renew(id)).isFalse();
        assertThat(brief.renew(id)).isTrue();

        // The lease lapses (its holder stops renewing): the second deployer takes over, and the
        // first one's writes change nothing. The lapse is written directly instead of waited for.
        jdbc.update("UPDATE deployment SET claimed_until = now() - interval '1 second' WHERE id = ?", id);
        assertThat(two.claim(id)).contains(id);
        assertThatThrownBy(() -> brief.move(id, DeploymentStatus.STAGING, DeploymentStatus.ACTIVATING, List.of()))
                .isInstanceOf(LostClaimException.class);
        assertThat(jdbc.queryForObject("SELECT attempts FROM deployment WHERE id = ?", Integer.class, id)).isEqualTo(2);
        assertThat(status(id)).isEqualTo("STAGING");
    }

    @Test
    void aSuccessRecordsWhatRunsWhereAndKeepsThePreviousVersion() {
        succeed(request(DeploymentKind.DEPLOY, 1));
        long second = request(DeploymentKind.DEPLOY, 2);
        assertThat(jdbc.queryForList("SELECT previous_version FROM deployment_target WHERE deployment_id = ?"
                + " ORDER BY target_id", Integer.class, second)).containsExactly(1, 1);
        succeed(second);

        assertThat(placements()).containsExactly(row(2, 2, 1), row(2, 2, 1));
        // The same version again changes nothing about where to roll back to.
        succeed(request(DeploymentKind.DEPLOY, 2));
        assertThat(placements()).containsExactly(row(2, 2, 1), row(2, 2, 1));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE entity_name = ?"
                + " AND action = 'deployment.succeeded' AND actor = 'deployer:one'", Long.class, service)).isEqualTo(3);
    }

    @Test
    void aConvergedTargetIsNotRecordedWhileANewerDeploymentOfTheServiceIsInFlight() {
        succeed(request(DeploymentKind.DEPLOY, 1));
        long converging = request(DeploymentKind.DEPLOY, 2);
        succeedLeavingEdgePending(converging);
        long newer = request(DeploymentKind.DEPLOY, 3);

        // drift repair chose the edge before the newer deployment was requested, and records only now
        one.recordConverged(serviceId, edge, 2);

        assertThat(jdbc.queryForMap("SELECT status, converged_at FROM deployment_target WHERE deployment_id = ?"
                + " AND target_id = ?", converging, edge)).containsEntry("status", "PENDING")
                .containsEntry("converged_at", null);
        assertThat(placements()).containsExactly(row(2, 2, 1), row(2, 1, null));
        assertThat(status(newer)).isEqualTo("PENDING");
    }

    @Test
    void aRollbackWithdrawsTheVersionATargetLeftPendingWasToConvergeTo() {
        succeed(requestOn(DeploymentKind.DEPLOY, 1, hub));
        long converging = request(DeploymentKind.DEPLOY, 2);
        succeedLeavingEdgePending(converging);
        assertThat(placements()).containsExactly(row(2, 2, 1), row(2, null, null));

        long rollback = requestOn(DeploymentKind.ROLLBACK, 1, hub); // the registry rolls back where the service runs
        succeed(rollback);

        assertThat(placements()).as("the edge that never got version 2 is not to get it now")
                .containsExactly(row(1, 1, 2));
        assertThat(jdbc.queryForMap("SELECT status, error FROM deployment_target WHERE deployment_id = ?"
                + " AND target_id = ?", converging, edge)).containsEntry("status", "REVERTED")
                .containsEntry("error", "withdrawn by rollback " + rollback + " before it converged");
        one.recordConverged(serviceId, edge, 2);
        assertThat(placements()).containsExactly(row(1, 1, 2));
    }

    @Test
    void afterARebindNothingRollsBackToTheOldModelsNumbers() {
        succeed(request(DeploymentKind.DEPLOY, 1));
        succeed(request(DeploymentKind.DEPLOY, 2));
        tx.executeWithoutResult(s -> requests.forgetVersions(serviceId));
        assertThat(placements()).containsExactly(row(null, 2, null), row(null, 2, null));

        long next = request(DeploymentKind.DEPLOY, 1);
        assertThat(jdbc.queryForList("SELECT previous_version FROM deployment_target WHERE deployment_id = ?",
                Integer.class, next)).containsOnlyNulls();
        succeed(next);
        assertThat(placements()).containsExactly(row(1, 1, null), row(1, 1, null));
    }

    @Test
    void anUndeployDropsThePlacementsAndAServiceDeleteTheService() {
        succeed(request(DeploymentKind.DEPLOY, 1));
        long undeploy = tx.execute(s -> requests.start(serviceId, service, DeploymentKind.UNDEPLOY, 0, true,
                List.of(hub, edge), List.of("hub", "edge"), new DeploymentRequests.Requester("alice", "10.0.0.1"),
                Instant.now()));
        succeed(undeploy);

        assertThat(jdbc.queryForObject("SELECT count(*) FROM service WHERE id = ?", Long.class, serviceId)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM service_target WHERE service_id = ?", Long.class,
                serviceId)).isZero();
        assertThat(jdbc.queryForList("SELECT action FROM audit_event WHERE entity_name = ? ORDER BY id", String.class,
                service)).containsExactly("deployment.request", "deployment.succeeded", "service.delete.request",
                "deployment.succeeded", "service.delete");
    }

    @Test
    void theSchemaAndTheInFlightParameterAgreeOnOneDeploymentAtATime() {
        for (DeploymentStatus status : DeploymentStatus.values()) {
            long first = request(DeploymentKind.DEPLOY, 1);
            // Straight SQL, not the ledger: what is checked is the schema's partial index, for every status.
            setStatus(first, status);
            if (DeploymentStatus.IN_FLIGHT.contains(status)) {
                assertThatThrownBy(() -> request(DeploymentKind.DEPLOY, 2)).as(status.name())
                        .isInstanceOf(DataIntegrityViolationException.class)
                        .hasMessageContaining("deployment_one_in_flight");
            } else {
                setStatus(request(DeploymentKind.DEPLOY, 2), DeploymentStatus.FAILED);
            }
            setStatus(first, DeploymentStatus.FAILED);
        }
    }

    @Test
    void theClaimableIndexCoversExactlyTheInFlightStatuses() {
        String predicate = jdbc.queryForObject("SELECT pg_get_expr(indpred, indrelid) FROM pg_index"
                + " WHERE indexrelid = 'deployment_claimable'::regclass", String.class);
        for (DeploymentStatus status : DeploymentStatus.values()) {
            assertThat(predicate.contains("'" + status.name() + "'")).as(status.name())
                    .isEqualTo(DeploymentStatus.IN_FLIGHT.contains(status));
        }
    }

    private void setStatus(long id, DeploymentStatus status) {
        jdbc.update("UPDATE deployment SET status = ? WHERE id = ?", status.name(), id);
    }

    @Test
    void aBakingRolloutIsClaimedByNoDeployerUntilItsTimeOrADecisionByHand() {
        Rollout canary = new Rollout("canary", List.of(10, 100), null, 60, null, null, null);
        long id = tx.execute(s -> requests.start(serviceId, service, DeploymentKind.DEPLOY, 2, false, List.of(hub, edge),
                List.of("hub", "edge"), new DeploymentRequests.Requester("alice", null), Instant.now(),
                java.util.Map.of(), canary));
        assertThat(one.claim()).contains(id);
        one.move(id, DeploymentStatus.STAGING, DeploymentStatus.ROLLING_OUT, List.of());
        tx.executeWithoutResult(s -> one.bake(id, RolloutState.first(10).started(Instant.now(), null), 60, null));

        assertThat(jdbc.queryForObject("SELECT attempts FROM deployment WHERE id = ?", Integer.class, id))
                .as("progress: the give-up rule starts again").isZero();
        assertThat(two.claim()).as("baking").isEmpty();
        assertThat(one.renew(id)).as("a released claim is not renewed").isFalse();
        assertThatThrownBy(() -> requests.start(serviceId, service, DeploymentKind.DEPLOY, 1, false, List.of(hub),
                List.of("hub"), new DeploymentRequests.Requester("bob", null), Instant.now()))
                .hasMessageContaining("deployment_one_in_flight");

        Boolean promoted = tx.execute(s -> requests.decide(serviceId, service, id, "PROMOTE",
                new DeploymentRequests.Requester("bob", null), Instant.now()));
        assertThat(promoted).isTrue();
        assertThat(two.claim()).as("a decision by hand is taken at once").contains(id);
        tx.executeWithoutResult(s -> two.bake(id, RolloutState.first(100).started(Instant.now(), null), 60, "PROMOTE"));
        assertThat(jdbc.queryForObject("SELECT requested_decision FROM deployment WHERE id = ?", String.class, id))
                .as("taken: cleared").isNull();
        Boolean aborted = tx.execute(s -> requests.decide(serviceId, service, id + 1000, "ABORT",
                new DeploymentRequests.Requester("bob", null), Instant.now()));
        assertThat(aborted).as("no such rollout").isFalse();
    }

    private long target(String name) {
        return jdbc.queryForObject("""
                INSERT INTO target (name, kind, region, base_url, created_at, created_by, updated_at)
                VALUES (?, 'EDGE', 'test', 'http://127.0.0.1:1', now(), 'test', now()) RETURNING id""", Long.class,
                name);
    }

    private long request(DeploymentKind kind, int version) {
        return tx.execute(s -> requests.start(serviceId, service, kind, version, false, List.of(hub, edge),
                List.of("hub", "edge"), new DeploymentRequests.Requester("alice", "10.0.0.1"), Instant.now()));
    }

    private long requestOn(DeploymentKind kind, int version, long target) {
        return tx.execute(s -> requests.start(serviceId, service, kind, version, false, List.of(target),
                List.of("t" + target), new DeploymentRequests.Requester("alice", "10.0.0.1"), Instant.now()));
    }

    /** A converging deployment that switched the hub and could not reach the edge. */
    private void succeedLeavingEdgePending(long id) {
        tx.executeWithoutResult(s -> {
            one.claim(id).orElseThrow();
            DeploymentOutcome asked = outcome(id);
            DeploymentOutcome outcome = new DeploymentOutcome(id, serviceId, service, asked.kind(), asked.version(),
                    "alice", false, asked.targets().stream().map(p -> new DeploymentOutcome.Placement(p.targetId(),
                            p.targetName(), p.previousVersion(), p.targetId() == edge
                                    ? DeploymentOutcome.Fate.CONVERGES : DeploymentOutcome.Fate.SWITCHED)).toList());
            one.move(id, DeploymentStatus.STAGING, DeploymentStatus.ACTIVATING, List.of(
                    new TargetProgress(hub, TargetDeploymentStatus.STAGED, null, null),
                    new TargetProgress(edge, TargetDeploymentStatus.PENDING, "unreachable", null)));
            one.finish(outcome, DeploymentStatus.ACTIVATING, DeploymentStatus.SUCCEEDED, null, List.of(
                    new TargetProgress(hub, TargetDeploymentStatus.ACTIVE, null, null),
                    new TargetProgress(edge, TargetDeploymentStatus.PENDING, "unreachable", null)));
        });
    }

    private String status(long id) {
        return jdbc.queryForObject("SELECT status FROM deployment WHERE id = ?", String.class, id);
    }

    /** Per target: desired, active, previous version. */
    private List<List<Integer>> placements() {
        return jdbc.query("SELECT desired_version, active_version, previous_version FROM service_target"
                + " WHERE service_id = ? ORDER BY target_id", (rs, n) -> row(
                (Integer) rs.getObject(1), (Integer) rs.getObject(2), (Integer) rs.getObject(3)), serviceId);
    }

    private static List<Integer> row(Integer desired, Integer active, Integer previous) {
        return Arrays.asList(desired, active, previous);
    }

    /** Claim, stage, activate: what a deployer does when every node answers. */
    private void succeed(long id) {
        tx.executeWithoutResult(s -> {
            one.claim(id).orElseThrow();
            DeploymentOutcome outcome = outcome(id);
            boolean rollback = outcome.kind() == DeploymentKind.ROLLBACK;
            if (!rollback) {
                one.move(id, DeploymentStatus.STAGING, DeploymentStatus.ACTIVATING, progress(TargetDeploymentStatus.STAGED));
            }
            one.finish(outcome, DeploymentStatus.ACTIVATING, DeploymentStatus.SUCCEEDED, null,
                    progress(TargetDeploymentStatus.ACTIVE));
        });
    }

    private void finish(DeploymentLedger ledger, long id, DeploymentStatus to) {
        tx.executeWithoutResult(s -> ledger.finish(outcome(id), DeploymentStatus.STAGING, to, "staging failed",
                progress(TargetDeploymentStatus.FAILED)));
    }

    private DeploymentOutcome outcome(long id) {
        List<DeploymentOutcome.Placement> targets = jdbc.query("SELECT target_id, previous_version FROM"
                + " deployment_target WHERE deployment_id = ? ORDER BY target_id", (rs, n) ->
                new DeploymentOutcome.Placement(rs.getLong(1), "t" + rs.getLong(1), (Integer) rs.getObject(2)), id);
        return jdbc.queryForObject("SELECT kind, version, deletes_service FROM deployment WHERE id = ?", (rs, n) ->
                new DeploymentOutcome(id, serviceId, service, DeploymentKind.valueOf(rs.getString(1)), rs.getInt(2),
                        "alice", rs.getBoolean(3), targets), id);
    }

    private List<TargetProgress> progress(TargetDeploymentStatus status) {
        return List.of(new TargetProgress(hub, status, null, null), new TargetProgress(edge, status, null, null));
    }
}
