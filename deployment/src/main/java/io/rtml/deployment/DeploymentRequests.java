package io.rtml.deployment;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The registry's writes of the deployment tables: a new deployment request and what a rebind
 * changes in service_target. Each runs in the caller's transaction (the registry's JPA
 * transaction shares its connection with JDBC), next to the caller's other changes.
 */
public class DeploymentRequests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String DEPLOYMENT = """
            INSERT INTO deployment (service_id, kind, version, status, requested_by, requested_at, deletes_service,
                                    rollout, plan, cause)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?)
            RETURNING id""";

    /**
     * One row per target with the version it serves now. A null desired version marks a row
     * rebound to another model: its active version is the old model's number, which a rollback or
     * undeploy must not restore.
     */
    private static final String TARGETS = """
            INSERT INTO deployment_target (deployment_id, target_id, status, previous_version, wave)
            SELECT ?, t.id, ?, CASE WHEN st.desired_version IS NOT NULL THEN st.active_version END, t.wave
            FROM unnest(?::bigint[], ?::int[]) AS t(id, wave)
            LEFT JOIN service_target st ON st.service_id = ? AND st.target_id = t.id""";

    /**
     * After a rebind the recorded versions are numbers of the old model: nothing may repair towards
     * them (desired) or roll back to them (previous). The active version stays: it is what serves.
     */
    private static final String FORGET_VERSIONS =
            "UPDATE service_target SET desired_version = NULL, previous_version = NULL WHERE service_id = ?";

    private static final String AUDIT = """
            INSERT INTO audit_event (occurred_at, actor, client_address, action, entity_type, entity_name, details)
            VALUES (coalesce(?::timestamptz, now()), ?, ?, ?, 'service', ?, ?::jsonb)""";

    /** A decision by hand: the deployer takes it at once (not_before now), at its next claim. */
    private static final String DECIDE = """
            UPDATE deployment SET requested_decision = ?, decision_requested_by = ?, not_before = now()
            WHERE id = ? AND service_id = ? AND status = ?""";

    private final JdbcTemplate jdbc;

    public DeploymentRequests(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Who asked, as the audit log names them. */
    public record Requester(String name, String address) {}

    /**
     * Records a new PENDING deployment on {@code targetIds} with its audit event and returns its id.
     * The caller holds the service's row lock and has checked that none is in flight (the schema's
     * partial unique index backs that up).
     */
    public long start(long serviceId, String serviceName, DeploymentKind kind, int version, boolean deletesService,
            List<Long> targetIds, List<String> targetNames, Requester requester, Instant now) {
        return start(serviceId, serviceName, kind, version, deletesService, targetIds, targetNames, requester, now,
                Map.of());
    }

    /** As above; {@code moreDetails} go into the audit event after its usual ones (an override the caller made, say). */
    public long start(long serviceId, String serviceName, DeploymentKind kind, int version, boolean deletesService,
            List<Long> targetIds, List<String> targetNames, Requester requester, Instant now,
            Map<String, Object> moreDetails) {
        return start(serviceId, serviceName, kind, version, deletesService, targetIds, targetNames, requester, now,
                moreDetails, null);
    }

    /** As above, with a rollout strategy (null: all targets at once), validated by the caller. */
    public long start(long serviceId, String serviceName, DeploymentKind kind, int version, boolean deletesService,
            List<Long> targetIds, List<String> targetNames, Requester requester, Instant now,
            Map<String, Object> moreDetails, Rollout rollout) {
        return start(serviceId, serviceName, kind, version, deletesService, targetIds, targetNames, requester, now,
                moreDetails, rollout, Fleet.NONE);
    }

    /**
     * How a deployment reaches a fleet: its wave plan (null: every target at once, all or nothing),
     * each target's wave (absent: 0), and why it exists when no one asked for it (null: a request).
     */
    public record Fleet(WavePlan plan, Map<Long, Integer> waveOf, String cause) {

        public static final Fleet NONE = new Fleet(null, Map.of(), null);
    }

    /** As above, in waves or with a cause ({@link Fleet}), validated by the caller. */
    public long start(long serviceId, String serviceName, DeploymentKind kind, int version, boolean deletesService,
            List<Long> targetIds, List<String> targetNames, Requester requester, Instant now,
            Map<String, Object> moreDetails, Rollout rollout, Fleet fleet) {
        Long id = jdbc.queryForObject(DEPLOYMENT, Long.class, serviceId, kind.name(), version,
                DeploymentStatus.PENDING.name(), requester.name(), Timestamp.from(now), deletesService,
                rollout == null ? null : rollout.toJson(), fleet.plan() == null ? null : fleet.plan().toJson(),
                fleet.cause());
        jdbc.update(TARGETS, id, TargetDeploymentStatus.PENDING.name(), targetIds.toArray(Long[]::new),
                targetIds.stream().map(t -> fleet.waveOf().getOrDefault(t, 0)).toArray(Integer[]::new), serviceId);
        String action = deletesService ? "service.delete.request"
                : kind == DeploymentKind.DEPLOY ? "deployment.request"
                : kind.name().toLowerCase(Locale.ROOT) + ".request";
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("deploymentId", id);
        details.put("version", version);
        details.put("targets", targetNames);
        details.putAll(moreDetails);
        if (rollout != null) {
            details.put("strategy", rollout.type());
        }
        if (fleet.plan() != null) {
            details.put("waves", fleet.plan().waves().size());
            details.put("offline", fleet.plan().offline());
        }
        if (fleet.cause() != null) {
            // a caller's structured cause (an alias move's fields) says more than the sentence: it stays
            details.putIfAbsent("cause", fleet.cause());
        }
        audit(jdbc, requester.name(), requester.address(), action, serviceName, details, now);
        return id;
    }

    /**
     * Asks the deployer to promote (PROMOTE: next step now, or finish) or abort (ABORT: roll back
     * now) a rollout; false when the deployment is not rolling out.
     */
    public boolean decide(long serviceId, String serviceName, long deploymentId, String decision, Requester requester,
            Instant now) {
        if (jdbc.update(DECIDE, decision, requester.name(), deploymentId, serviceId, DeploymentStatus.ROLLING_OUT.name()) != 1) {
            return false;
        }
        audit(jdbc, requester.name(), requester.address(), "deployment." + decision.toLowerCase(Locale.ROOT),
                serviceName, Map.of("deploymentId", deploymentId), now);
        return true;
    }

    /** The service now runs another model: forget the versions recorded for the old one. */
    public void forgetVersions(long serviceId) {
        jdbc.update(FORGET_VERSIONS, serviceId);
    }

    /** One audit row about a service; {@code at} null: the database's clock (the deployer's events). */
    static void audit(JdbcTemplate jdbc, String actor, String address, String action, String service,
            Map<String, Object> details, Instant at) {
        jdbc.update(AUDIT, at == null ? null : Timestamp.from(at), actor, address, action, service, JSON.writeValueAsString(details));
    }
}
