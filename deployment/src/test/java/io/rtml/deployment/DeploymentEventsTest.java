package io.rtml.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The events that the deployer's writes publish through the outbox triggers (V018 and later), on the
 * real schema: each writer of the deployment module, called as the deployer calls it, and the event
 * rows its commit leaves.
 */
class DeploymentEventsTest {

    private static JdbcTemplate jdbc;
    private static TransactionTemplate tx;

    private DeploymentRequests requests;
    private DeploymentLedger ledger;
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
        ledger = new DeploymentLedger(jdbc, new Claimant("one", Duration.ofSeconds(30), 2));
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

    /** Other tests on this JVM's database claim the oldest deployment in flight: leave none behind. */
    @AfterEach
    void endWhatIsInFlight() {
        jdbc.update("UPDATE deployment SET status = 'FAILED', finished_at = now(), claimed_until = NULL"
                + " WHERE service_id = ? AND status = ANY(?)", serviceId, DeploymentStatus.inFlightNames());
    }

    @Test
    void aDeploymentStartedByTheSelectorFollowerIsStartedWithItsCause() {
        String cause = "target edge matches the service's selector 'region=test'";
        long id = tx.execute(s -> requests.start(serviceId, service, DeploymentKind.DEPLOY, 1, false, List.of(edge),
                List.of("edge"), new DeploymentRequests.Requester("deployer:one", null), Instant.now(), Map.of(), null,
                new DeploymentRequests.Fleet(WavePlan.single(0, WavePlan.CONVERGE), Map.of(), cause)));

        assertThat(events()).containsExactly("deployment.started");
        assertThat(data("deployment.started", "kind")).isEqualTo("DEPLOY");
        assertThat(data("deployment.started", "cause")).isEqualTo(cause);
        assertThat(data("deployment.started", "deploymentId")).isEqualTo(String.valueOf(id));
        assertThat(jdbc.queryForObject("SELECT actor FROM event WHERE subject = ?", String.class, service))
                .isEqualTo("deployer:one");
    }

    @Test
    void aWaveAbortFromRollingOutIsAFailedDeployment() {
        long id = rollingOut();

        tx.executeWithoutResult(s -> ledger.finish(outcome(id), DeploymentStatus.ROLLING_OUT, DeploymentStatus.FAILED,
                "wave 1 failed on 1 of 2 targets", List.of(new TargetProgress(hub, TargetDeploymentStatus.FAILED,
                        "refused", null))));

        assertThat(events()).containsExactly("deployment.started", "deployment.failed");
        assertThat(data("deployment.failed", "error")).isEqualTo("wave 1 failed on 1 of 2 targets");
        assertThat(data("deployment.failed", "deploymentId")).isEqualTo(String.valueOf(id));
    }

    @Test
    void aRolledBackCanaryPublishesItsEndAndTheRecordedRollback() {
        long id = rollingOut();

        long rollback = tx.execute(s -> {
            DeploymentOutcome rollout = outcome(id);
            ledger.finish(rollout, DeploymentStatus.ROLLING_OUT, DeploymentStatus.ROLLED_BACK, "error rate 12%",
                    List.of());
            return ledger.recordRollback(rollout, 1, "error rate 12%", false, List.of(
                    new TargetProgress(hub, TargetDeploymentStatus.ACTIVE, null, null),
                    new TargetProgress(edge, TargetDeploymentStatus.ACTIVE, null, null)));
        });

        assertThat(events()).containsExactly("deployment.started", "deployment.rolled_back", "deployment.succeeded");
        assertThat(data("deployment.rolled_back", "deploymentId")).isEqualTo(String.valueOf(id));
        assertThat(data("deployment.succeeded", "kind")).isEqualTo("ROLLBACK");
        assertThat(data("deployment.succeeded", "deploymentId")).isEqualTo(String.valueOf(rollback));
        assertThat(data("deployment.succeeded", "reverts")).isEqualTo(String.valueOf(id));
        assertThat(data("deployment.succeeded", "version")).isEqualTo("1");
    }

    @Test
    void aTargetThatConvergesPublishesTargetConvergedOnce() {
        long id = tx.execute(s -> requests.start(serviceId, service, DeploymentKind.DEPLOY, 2, false,
                List.of(hub, edge), List.of("hub", "edge"), new DeploymentRequests.Requester("alice", null),
                Instant.now(), Map.of(), null,
                new DeploymentRequests.Fleet(WavePlan.single(0, WavePlan.CONVERGE), Map.of(), null)));
        tx.executeWithoutResult(s -> {
            ledger.claim(id).orElseThrow();
            DeploymentOutcome outcome = outcome(id, DeploymentOutcome.Fate.CONVERGES);
            ledger.move(id, DeploymentStatus.STAGING, DeploymentStatus.ACTIVATING, List.of());
            ledger.finish(outcome, DeploymentStatus.ACTIVATING, DeploymentStatus.SUCCEEDED, null, List.of(
                    new TargetProgress(hub, TargetDeploymentStatus.PENDING, null, null),
                    new TargetProgress(edge, TargetDeploymentStatus.PENDING, null, null)));
        });

        tx.executeWithoutResult(s -> ledger.recordConverged(serviceId, edge, 2));
        tx.executeWithoutResult(s -> ledger.recordConverged(serviceId, edge, 2));

        assertThat(events()).containsExactly("deployment.started", "deployment.succeeded", "target.converged");
        Map<String, Object> converged = jdbc.queryForMap("SELECT subject_kind, subject, data ->> 'target' AS target,"
                + " data ->> 'version' AS version, data ->> 'deploymentId' AS deployment FROM event"
                + " WHERE type = 'target.converged' AND data ->> 'service' = ?", service);
        assertThat(converged).containsEntry("subject_kind", "service").containsEntry("subject", service)
                .containsEntry("target", jdbc.queryForObject("SELECT name FROM target WHERE id = ?", String.class, edge))
                .containsEntry("version", "2").containsEntry("deployment", String.valueOf(id));
    }

    /** A canary of version 2 claimed and rolling out. */
    private long rollingOut() {
        Rollout canary = new Rollout("canary", List.of(10, 100), null, 60, null, null, null);
        long id = tx.execute(s -> requests.start(serviceId, service, DeploymentKind.DEPLOY, 2, false,
                List.of(hub, edge), List.of("hub", "edge"), new DeploymentRequests.Requester("alice", null),
                Instant.now(), Map.of(), canary));
        ledger.claim(id).orElseThrow();
        ledger.move(id, DeploymentStatus.STAGING, DeploymentStatus.ROLLING_OUT, List.of());
        return id;
    }

    /** The event types about this test's service, in id order. */
    private List<String> events() {
        return jdbc.queryForList("SELECT type FROM event WHERE subject = ? ORDER BY id", String.class, service);
    }

    private String data(String type, String field) {
        return jdbc.queryForObject("SELECT data ->> ? FROM event WHERE subject = ? AND type = ? ORDER BY id DESC LIMIT 1",
                String.class, field, service, type);
    }

    private long target(String name) {
        return jdbc.queryForObject("""
                INSERT INTO target (name, kind, region, base_url, created_at, created_by, updated_at)
                VALUES (?, 'EDGE', 'test', 'http://127.0.0.1:1', now(), 'test', now()) RETURNING id""", Long.class,
                name);
    }

    private DeploymentOutcome outcome(long id) {
        return outcome(id, DeploymentOutcome.Fate.SWITCHED);
    }

    private DeploymentOutcome outcome(long id, DeploymentOutcome.Fate fate) {
        List<DeploymentOutcome.Placement> targets = jdbc.query("SELECT target_id, previous_version FROM"
                + " deployment_target WHERE deployment_id = ? ORDER BY target_id", (rs, n) ->
                new DeploymentOutcome.Placement(rs.getLong(1), "t" + rs.getLong(1), (Integer) rs.getObject(2), fate), id);
        return jdbc.queryForObject("SELECT kind, version, deletes_service FROM deployment WHERE id = ?", (rs, n) ->
                new DeploymentOutcome(id, serviceId, service, DeploymentKind.valueOf(rs.getString(1)), rs.getInt(2),
                        "alice", rs.getBoolean(3), targets), id);
    }
}
