package io.rtml.deployer.reconcile;

import io.rtml.deployer.DeployerProperties;
import io.rtml.deployment.DeploymentKind;
import io.rtml.deployment.DeploymentRequests;
import io.rtml.deployment.DeploymentStatus;
import io.rtml.deployment.LabelSelector;
import io.rtml.deployment.WavePlan;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Continuous deployment by label selector: every {@code reconcile-interval} (off when 0), a service
 * with a selector and an active version (its last successful deploy or rollback) is deployed to the
 * targets that match its selector and do not run it: a target registered later, or whose labels
 * changed. Each such round is a deployment in the service's history, requested by the deployer,
 * with its {@code cause}; it converges ({@code offline: converge}), so an unreachable new target
 * gets the version when it answers. A target already tried since its last change (its labels, or a
 * deployment of the service that included it, an undeployment by hand too) is not tried again until
 * it changes, so a failing node is not deployed to every round. A service with a deployment in flight
 * waits for the next round.
 */
@Component
class SelectorFollower implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(SelectorFollower.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String FOLLOWING = """
            SELECT s.id, s.name, s.selector, d.version
            FROM service s
            JOIN LATERAL (SELECT version FROM deployment d
                          WHERE d.service_id = s.id AND d.status = 'SUCCEEDED' AND d.kind IN ('DEPLOY', 'ROLLBACK')
                          ORDER BY d.id DESC LIMIT 1) d ON true
            WHERE s.selector IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM deployment f WHERE f.service_id = s.id AND f.status = ANY(?))""";

    /** Targets without a placement of the service and not tried by a deployment of it since they changed. */
    private static final String CANDIDATES = """
            SELECT t.id, t.name, t.kind, t.region, t.labels::text AS labels
            FROM target t
            WHERE NOT EXISTS (SELECT 1 FROM service_target st WHERE st.service_id = ? AND st.target_id = t.id)
              AND NOT EXISTS (SELECT 1 FROM deployment d JOIN deployment_target dt ON dt.deployment_id = d.id
                              WHERE d.service_id = ? AND dt.target_id = t.id AND d.requested_at >= t.updated_at)
            ORDER BY t.name""";

    private static final String LOCK = "SELECT id FROM service WHERE id = ? FOR UPDATE";

    private record Following(long id, String name, String selector, int version) {}

    private record Candidate(long id, String name, Map<String, String> attributes) {}

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final DeployerProperties properties;
    private final DeploymentRequests requests;

    SelectorFollower(JdbcTemplate jdbc, TransactionTemplate tx, DeployerProperties properties) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.properties = properties;
        this.requests = new DeploymentRequests(jdbc);
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        Duration every = properties.reconcileInterval();
        if (!every.isZero()) {
            tasks.addFixedDelayTask(new FixedDelayTask(this::round, every, every));
        }
    }

    /** One round over the services that follow a selector; a failure ends the round, the next one retries. */
    void round() {
        try {
            for (Following service : jdbc.query(FOLLOWING, (rs, n) -> new Following(rs.getLong("id"),
                    rs.getString("name"), rs.getString("selector"), rs.getInt("version")),
                    (Object) DeploymentStatus.inFlightNames())) {
                follow(service);
            }
        } catch (RuntimeException e) {
            log.warn("selector round failed: {}", e.getMessage());
        }
    }

    private void follow(Following service) {
        LabelSelector selector;
        try {
            selector = LabelSelector.parse(service.selector());
        } catch (LabelSelector.SelectorException e) {
            log.warn("service {} has a selector that does not parse (written around the registry?): {}",
                    service.name(), e.getMessage());
            return;
        }
        List<Candidate> newcomers = jdbc.query(CANDIDATES, (rs, n) -> new Candidate(rs.getLong("id"),
                rs.getString("name"), LabelSelector.attributes(rs.getString("name"), rs.getString("kind"),
                        rs.getString("region"), JSON.readValue(rs.getString("labels"), new TypeReference<>() {}))),
                service.id(), service.id()).stream().filter(c -> selector.matches(c.attributes())).toList();
        if (newcomers.isEmpty()) {
            return;
        }
        List<String> names = newcomers.stream().map(Candidate::name).toList();
        String cause = "target" + (names.size() == 1 ? " " : "s ") + String.join(", ", names)
                + (names.size() == 1 ? " matches" : " match") + " the service's selector '" + service.selector() + "'";
        try {
            Long id = tx.execute(status -> {
                jdbc.queryForList(LOCK, Long.class, service.id());
                if (jdbc.queryForObject("SELECT count(*) FROM deployment WHERE service_id = ? AND status = ANY(?)",
                        Long.class, service.id(), DeploymentStatus.inFlightNames()) > 0) {
                    return null;
                }
                return requests.start(service.id(), service.name(), DeploymentKind.DEPLOY, service.version(), false,
                        newcomers.stream().map(Candidate::id).toList(), names,
                        new DeploymentRequests.Requester("deployer:" + properties.instanceId(), null), Instant.now(),
                        Map.of(), null, new DeploymentRequests.Fleet(WavePlan.single(0, WavePlan.CONVERGE), Map.of(),
                                cause));
            });
            if (id != null) {
                log.info("continuous deployment id={} service={} version={}: {}", id, service.name(), service.version(),
                        cause);
            }
        } catch (DataIntegrityViolationException raced) {
            // another deployer or a request started a deployment of the service first: the next round sees it
        }
    }
}
