package io.rtml.registry.gallery;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.registry.RegistryJpaTest;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The schema's rules for services and their deployments, which the code relies on for its 409s. */
class ServiceRulesTest extends RegistryJpaTest {

    @Autowired
    ServiceEntryRepository services;

    @Autowired
    ServiceTargetRepository serviceTargets;

    @Autowired
    JdbcTemplate jdbc;

    private String p;
    private long modelId;
    private long targetId;

    @BeforeEach
    void modelAndTarget() {
        p = "s" + UUID.randomUUID().toString().substring(0, 8);
        modelId = jdbc.queryForObject("INSERT INTO registered_model (name, description, tags, latest_version, created_at,"
                + " created_by, updated_at) VALUES (?, '', '{}', 0, now(), 't', now()) RETURNING id", Long.class, p);
        targetId = jdbc.queryForObject("INSERT INTO target (name, kind, region, base_url, created_at, created_by, updated_at)"
                + " VALUES (?, 'HUB', 'eu', 'http://hub:8090', now(), 't', now()) RETURNING id", Long.class, p + "-hub");
    }

    @Test
    void serviceNamesAreUnique() {
        service(p);

        assertThat(services.existsByName(p)).isTrue();
        assertThat(refusal(() -> service(p))).hasMessageContaining("service_name_unique");
    }

    @Test
    void oneDeploymentInFlightPerServiceAndAnyNumberFinished() {
        long service = service(p);
        deployment(service, "SUCCEEDED");
        deployment(service, "FAILED");
        deployment(service, "STAGING");

        assertThat(refusal(() -> deployment(service, "PENDING"))).hasMessageContaining("deployment_one_in_flight");
        assertThat(refusal(() -> deployment(service, "ACTIVATING"))).hasMessageContaining("deployment_one_in_flight");
        deployment(service(p + "-other"), "PENDING");
    }

    @Test
    void aDeletedServiceTakesItsPlacementsAndHistoryAlong() {
        long service = service(p);
        jdbc.update("INSERT INTO service_target (service_id, target_id, active_version) VALUES (?, ?, 1)", service, targetId);
        deployment(service, "SUCCEEDED");

        jdbc.update("DELETE FROM service WHERE id = ?", service);

        assertThat(serviceTargets.findByKeyServiceIdIn(java.util.List.of(service))).isEmpty();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM deployment WHERE service_id = ?", Integer.class, service))
                .isZero();
    }

    private long service(String name) {
        return jdbc.queryForObject("INSERT INTO service (name, model_id, created_at, created_by) VALUES (?, ?, now(), 't')"
                + " RETURNING id", Long.class, name, modelId);
    }

    private void deployment(long service, String status) {
        jdbc.update("INSERT INTO deployment (service_id, kind, version, status, requested_by, requested_at)"
                + " VALUES (?, 'DEPLOY', 1, ?, 't', now())", service, status);
    }
}
