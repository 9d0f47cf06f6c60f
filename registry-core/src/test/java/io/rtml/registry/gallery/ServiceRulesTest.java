package io.rtml.registry.gallery;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.deployment.DeploymentDriver;
import io.rtml.deployment.DeploymentKind;
import io.rtml.deployment.DeploymentRequests;
import io.rtml.registry.RegistryJpaTest;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/** The schema's rules for services and their deployments, which the code relies on for its 409s. */
class ServiceRulesTest extends RegistryJpaTest {

    @Autowired
    ServiceEntryRepository services;

    @Autowired
    ServiceTargetRepository serviceTargets;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    PlatformTransactionManager transactions;

    private String p;
    private long modelId;
    private long targetId;
    private DeploymentRequests requests;
    private DeploymentDriver deployer;

    @BeforeEach
    void modelAndTarget() {
        p = "s" + UUID.randomUUID().toString().substring(0, 8);
        modelId = jdbc.queryForObject("INSERT INTO registered_model (name, description, tags, latest_version, created_at,"
                + " created_by, updated_at) VALUES (?, '', '{}', 0, now(), 't', now()) RETURNING id", Long.class, p);
        targetId = jdbc.queryForObject("INSERT INTO target (name, kind, region, base_url, created_at, created_by, updated_at)"
                + " VALUES (?, 'HUB', 'eu', 'http://hub:8090', now(), 't', now()) RETURNING id", Long.class, p + "-hub");
        requests = new DeploymentRequests(jdbc);
        deployer = new DeploymentDriver(jdbc, transactions);
    }

    @Test
    void serviceNamesAreUnique() {
        service(p);

        assertThat(services.existsByName(p)).isTrue();
        assertThat(refusal(() -> service(p))).hasMessageContaining("service_name_unique");
    }

    /**
     * The partial unique index behind the 409 of a second deployment covers each in-flight status of
     * the deployment in flight (PENDING, taken: STAGING, staged: ACTIVATING) and none of the finished
     * ones. DeploymentLedgerTest checks PENDING against PENDING only.
     */
    @Test
    void oneDeploymentInFlightPerServiceWhateverItsStatusAndAnyNumberFinished() {
        long pending = service(p);
        deployer.succeed(request(pending, p, 1));
        deployer.fail(request(pending, p, 2), "disk full");
        request(pending, p, 3);
        long staging = service(p + "-staging");
        deployer.take(request(staging, p + "-staging", 1));
        long activating = service(p + "-activating");
        deployer.staged(request(activating, p + "-activating", 1));

        for (long service : List.of(pending, staging, activating)) {
            assertThat(refusal(() -> request(service, p, 9))).hasMessageContaining("deployment_one_in_flight");
        }
        request(service(p + "-other"), p + "-other", 1);
    }

    @Test
    void aDeletedServiceTakesItsPlacementsAndHistoryAlong() {
        long service = service(p);
        deployer.succeed(request(service, p, 1));

        // The service row, not the deployment tables: the cascade of their foreign keys is the point.
        jdbc.update("DELETE FROM service WHERE id = ?", service);

        assertThat(serviceTargets.findByKeyServiceIdIn(List.of(service))).isEmpty();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM deployment WHERE service_id = ?", Integer.class, service))
                .isZero();
    }

    private long service(String name) {
        return jdbc.queryForObject("INSERT INTO service (name, model_id, created_at, created_by) VALUES (?, ?, now(), 't')"
                + " RETURNING id", Long.class, name, modelId);
    }

    private long request(long service, String name, int version) {
        return requests.start(service, name, DeploymentKind.DEPLOY, version, false, List.of(targetId),
                List.of(p + "-hub"), new DeploymentRequests.Requester("t", null), Instant.now());
    }
}
