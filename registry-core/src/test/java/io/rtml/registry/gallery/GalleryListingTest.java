package io.rtml.registry.gallery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.rtml.registry.RegistryJpaTest;
import io.rtml.deployment.DeploymentStatus;
import io.rtml.registry.deployment.DeploymentViews;
import io.rtml.registry.target.Target;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.UUID;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

/** The gallery listing's queries: its filters and keyset paging, and a page's cost in statements. */
@Import({GallerySearch.class, GalleryViews.class, DeploymentViews.class})
class GalleryListingTest extends RegistryJpaTest {

    private static final GalleryFilter ALL = new GalleryFilter(null, null, null);

    @Autowired
    GallerySearch search;

    @Autowired
    GalleryViews views;

    @Autowired
    EntityManager em;

    @Autowired
    JdbcTemplate jdbc;

    private String prefix;
    private long modelId;

    @BeforeEach
    void model() {
        prefix = "g" + UUID.randomUUID().toString().substring(0, 8);
        modelId = jdbc.queryForObject("INSERT INTO registered_model (name, description, tags, latest_version, created_at,"
                + " created_by, updated_at) VALUES (?, '', '{}', 0, now(), 't', now()) RETURNING id", Long.class, prefix);
        target(prefix + "-hub", "HUB", "eu");
        target(prefix + "-edge", "EDGE", "us");
    }

    @Test
    void aPageCostsTheSameStatementsWhateverItsSize() {
        seedServices(2);
        long small = statementsToList(2);
        seedServices(30);

        long large = statementsToList(30);

        assertThat(large).isEqualTo(small).isBetween(3L, 7L);
    }

    @Test
    void eachEntryShowsItsTargetsHubFirstAndItsNewestDeployment() {
        seedServices(3);

        List<ServiceResponse> page = views.summaries(search.page(ALL, prefix, 10));

        assertThat(page).extracting(ServiceResponse::name)
                .containsExactly(prefix + "-svc-01", prefix + "-svc-02", prefix + "-svc-03");
        ServiceResponse first = page.get(0);
        assertThat(first.model()).isEqualTo(prefix);
        assertThat(first.status()).isEqualTo("DEPLOYING");
        assertThat(first.targets()).extracting(ServiceResponse.Placement::target, ServiceResponse.Placement::kind)
                .containsExactly(tuple(prefix + "-hub", Target.Kind.HUB),
                        tuple(prefix + "-edge", Target.Kind.EDGE));
        assertThat(first.targets().get(0).standbyVersions()).containsExactly(1);
        assertThat(first.deployments()).singleElement().satisfies(d -> {
            assertThat(d.version()).isEqualTo(2);
            assertThat(d.status()).isEqualTo(DeploymentStatus.STAGING);
            assertThat(d.service()).isEqualTo(prefix + "-svc-01");
            assertThat(d.targets()).hasSize(2);
        });
        assertThat(first.signature()).isNull();
    }

    @Test
    void aServiceNeverDeployedIsNewWithoutTargets() {
        jdbc.update("INSERT INTO service (name, model_id, created_at, created_by) VALUES (?, ?, now(), 't')",
                prefix + "-fresh", modelId);

        List<ServiceResponse> page = views.summaries(search.page(new GalleryFilter(prefix, null, null), null, 10));

        assertThat(page).singleElement().satisfies(s -> {
            assertThat(s.status()).isEqualTo("NEW");
            assertThat(s.targets()).isEmpty();
            assertThat(s.deployments()).isEmpty();
        });
    }

    @Test
    void filtersByModelTargetAndRegionAndPagesByName() {
        seedServices(3);
        jdbc.update("UPDATE service_target SET active_version = NULL WHERE service_id = (SELECT id FROM service WHERE name = ?)"
                + " AND target_id = (SELECT id FROM target WHERE name = ?)", prefix + "-svc-02", prefix + "-edge");

        assertThat(search.page(new GalleryFilter(prefix, null, null), null, 10)).hasSize(3);
        assertThat(search.page(new GalleryFilter(null, prefix + "-edge", null), null, 10)).extracting(ServiceEntry::name)
                .containsExactly(prefix + "-svc-01", prefix + "-svc-03");
        assertThat(search.page(new GalleryFilter(prefix, null, "us"), null, 10)).extracting(ServiceEntry::name)
                .containsExactly(prefix + "-svc-01", prefix + "-svc-03");
        assertThat(search.page(new GalleryFilter(prefix, null, "nowhere"), null, 10)).isEmpty();
        assertThat(search.page(new GalleryFilter(prefix, null, null), prefix + "-svc-01", 1)).extracting(ServiceEntry::name)
                .containsExactly(prefix + "-svc-02");
    }

    private long statementsToList(int size) {
        em.clear();
        Statistics statistics = em.getEntityManagerFactory().unwrap(SessionFactory.class).getStatistics();
        statistics.clear();
        List<ServiceResponse> page = views.summaries(search.page(new GalleryFilter(prefix, null, null), null, size));
        assertThat(page).hasSize(size).allSatisfy(s -> {
            assertThat(s.targets()).hasSize(2);
            assertThat(s.deployments()).hasSize(1);
        });
        return statistics.getPrepareStatementCount();
    }

    private void target(String name, String kind, String region) {
        jdbc.update("INSERT INTO target (name, kind, region, base_url, created_at, created_by, updated_at)"
                + " VALUES (?, ?, ?, ?, now(), 't', now())", name, kind, region, "http://" + name + ":8090");
    }

    /**
     * Services {@code prefix-svc-NN} from the next free number on, each on both targets (version 2
     * active, 1 held) with a finished deployment of 1 and one of 2 in flight, as the deployer leaves them.
     */
    private void seedServices(int count) {
        int from = jdbc.queryForObject("SELECT count(*) FROM service WHERE model_id = ?", Integer.class, modelId) + 1;
        for (int n = from; n < from + count; n++) {
            long service = jdbc.queryForObject("INSERT INTO service (name, model_id, created_at, created_by)"
                    + " VALUES (?, ?, now(), 't') RETURNING id", Long.class, "%s-svc-%02d".formatted(prefix, n), modelId);
            jdbc.update("INSERT INTO service_target (service_id, target_id, desired_version, active_version, previous_version,"
                    + " held_versions) SELECT ?, id, 2, 2, 1, '[2, 1]' FROM target WHERE name LIKE ?", service, prefix + "-%");
            for (String[] d : List.of(new String[] {"1", "SUCCEEDED", "ACTIVE"}, new String[] {"2", "STAGING", "STAGED"})) {
                long deployment = jdbc.queryForObject("INSERT INTO deployment (service_id, kind, version, status, requested_by,"
                        + " requested_at) VALUES (?, 'DEPLOY', ?, ?, 't', now()) RETURNING id", Long.class, service,
                        Integer.parseInt(d[0]), d[1]);
                jdbc.update("INSERT INTO deployment_target (deployment_id, target_id, status) SELECT ?, id, ? FROM target"
                        + " WHERE name LIKE ?", deployment, d[2], prefix + "-%");
            }
        }
    }
}
