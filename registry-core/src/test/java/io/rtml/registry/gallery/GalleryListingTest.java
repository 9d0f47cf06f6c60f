package io.rtml.registry.gallery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.rtml.deployment.DeploymentDriver;
import io.rtml.deployment.DeploymentKind;
import io.rtml.deployment.DeploymentRequests;
import io.rtml.deployment.DeploymentStatus;
import io.rtml.deployment.TargetDeploymentStatus;
import io.rtml.registry.RegistryJpaTest;
import io.rtml.registry.deployment.DeploymentResponse;
import io.rtml.registry.deployment.DeploymentViews;
import io.rtml.registry.target.Target;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

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

    @Autowired
    PlatformTransactionManager transactions;

    private String prefix;
    private long modelId;
    private long hub;
    private long edge;
    private DeploymentRequests requests;
    private DeploymentDriver deployer;
    /** What the nodes hold, as their probe reports it: every seeded service, by name. */
    private final Map<String, List<Integer>> held = new HashMap<>();

    @BeforeEach
    void model() {
        prefix = "g" + UUID.randomUUID().toString().substring(0, 8);
        modelId = jdbc.queryForObject("INSERT INTO registered_model (name, description, tags, latest_version, created_at,"
                + " created_by, updated_at) VALUES (?, '', '{}', 0, now(), 't', now()) RETURNING id", Long.class, prefix);
        hub = target(prefix + "-hub", "HUB", "eu");
        edge = target(prefix + "-edge", "EDGE", "us");
        requests = new DeploymentRequests(jdbc);
        deployer = new DeploymentDriver(jdbc, transactions);
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
    void eachEntryShowsItsTargetsHubFirstAndItsNewestDeploymentInFlightFailedOrDone() {
        seedServices(3);

        List<ServiceResponse> page = views.summaries(search.page(ALL, null, prefix, 10));

        assertThat(page).extracting(ServiceResponse::name)
                .containsExactly(prefix + "-svc-01", prefix + "-svc-02", prefix + "-svc-03");
        assertThat(page).extracting(ServiceResponse::model).containsOnly(prefix);
        assertThat(page).allSatisfy(s -> {
            assertThat(s.targets()).extracting(ServiceResponse.Placement::target, ServiceResponse.Placement::kind)
                    .containsExactly(tuple(prefix + "-hub", Target.Kind.HUB), tuple(prefix + "-edge", Target.Kind.EDGE));
            assertThat(s.deployments()).singleElement().satisfies(d -> {
                assertThat(d.version()).isEqualTo(3);
                assertThat(d.service()).isEqualTo(s.name());
                assertThat(d.targets()).hasSize(2);
            });
            assertThat(s.signature()).isNull();
        });

        ServiceResponse staging = page.get(0);
        assertThat(staging.status()).isEqualTo("DEPLOYING");
        assertThat(staging.deployments().get(0).status()).isEqualTo(DeploymentStatus.ACTIVATING);
        assertThat(staging.deployments().get(0).targets()).extracting(DeploymentResponse.TargetProgress::status)
                .containsOnly(TargetDeploymentStatus.STAGED);
        assertThat(staging.targets()).allSatisfy(t -> {
            assertThat(t.activeVersion()).isEqualTo(2);
            assertThat(t.standbyVersions()).containsExactly(3, 1);
        });

        ServiceResponse failed = page.get(1);
        assertThat(failed.status()).isEqualTo("FAILED");
        assertThat(failed.deployments().get(0).targets()).extracting(DeploymentResponse.TargetProgress::status,
                DeploymentResponse.TargetProgress::error).containsOnly(tuple(TargetDeploymentStatus.FAILED, "disk full"));
        assertThat(failed.targets()).allSatisfy(t -> {
            assertThat(t.activeVersion()).isEqualTo(2);
            assertThat(t.standbyVersions()).containsExactly(1);
        });

        ServiceResponse done = page.get(2);
        assertThat(done.status()).isEqualTo("SUCCEEDED");
        assertThat(done.deployments().get(0).targets()).extracting(DeploymentResponse.TargetProgress::status,
                DeploymentResponse.TargetProgress::previousVersion).containsOnly(tuple(TargetDeploymentStatus.ACTIVE, 2));
        assertThat(done.targets()).allSatisfy(t -> {
            assertThat(t.activeVersion()).isEqualTo(3);
            assertThat(t.desiredVersion()).isEqualTo(3);
            assertThat(t.standbyVersions()).containsExactly(2);
        });
    }

    @Test
    void aServiceNeverDeployedIsNewWithoutTargets() {
        jdbc.update("INSERT INTO service (name, model_id, created_at, created_by) VALUES (?, ?, now(), 't')",
                prefix + "-fresh", modelId);

        List<ServiceResponse> page = views.summaries(search.page(new GalleryFilter(prefix, null, null), null, null, 10));

        assertThat(page).singleElement().satisfies(s -> {
            assertThat(s.status()).isEqualTo("NEW");
            assertThat(s.targets()).isEmpty();
            assertThat(s.deployments()).isEmpty();
        });
    }

    @Test
    void filtersByModelTargetAndRegionAndPagesByName() {
        seedServices(3);
        long svc02 = jdbc.queryForObject("SELECT id FROM service WHERE name = ?", Long.class, prefix + "-svc-02");
        deployer.succeed(request(svc02, prefix + "-svc-02", DeploymentKind.UNDEPLOY, 0, List.of(edge)));

        assertThat(search.page(new GalleryFilter(prefix, null, null), null, null, 10)).hasSize(3);
        assertThat(search.page(new GalleryFilter(null, prefix + "-edge", null), null, null, 10)).extracting(ServiceEntry::name)
                .containsExactly(prefix + "-svc-01", prefix + "-svc-03");
        assertThat(search.page(new GalleryFilter(prefix, null, "us"), null, null, 10)).extracting(ServiceEntry::name)
                .containsExactly(prefix + "-svc-01", prefix + "-svc-03");
        assertThat(search.page(new GalleryFilter(prefix, null, "nowhere"), null, null, 10)).isEmpty();
        assertThat(search.page(new GalleryFilter(prefix, null, null), null, prefix + "-svc-01", 1)).extracting(ServiceEntry::name)
                .containsExactly(prefix + "-svc-02");
    }

    private long statementsToList(int size) {
        em.clear();
        Statistics statistics = em.getEntityManagerFactory().unwrap(SessionFactory.class).getStatistics();
        statistics.clear();
        List<ServiceResponse> page = views.summaries(search.page(new GalleryFilter(prefix, null, null), null, null, size));
        assertThat(page).hasSize(size).allSatisfy(s -> {
            assertThat(s.targets()).hasSize(2);
            assertThat(s.deployments()).hasSize(1);
        });
        return statistics.getPrepareStatementCount();
    }

    private long target(String name, String kind, String region) {
        return jdbc.queryForObject("INSERT INTO target (name, kind, region, base_url, created_at, created_by, updated_at)"
                + " VALUES (?, ?, ?, ?, now(), 't', now()) RETURNING id", Long.class, name, kind, region,
                "http://" + name + ":8090");
    }

    /**
     * Services {@code prefix-svc-NN} from the next free number on, each on both targets with
     * deployments of versions 1 and 2 finished and one of 3, written by the deployment module's
     * writer as the registry and a deployer write them. By number, the deployment of 3 is: 1 staged
     * and in flight (the nodes hold 3, 2, 1), 2 failed (2 stays active; 2, 1 held), 3 succeeded (1
     * unloaded: 3, 2 held), the held versions as the nodes' probe reports them.
     */
    private void seedServices(int count) {
        int from = jdbc.queryForObject("SELECT count(*) FROM service WHERE model_id = ?", Integer.class, modelId) + 1;
        for (int n = from; n < from + count; n++) {
            String name = "%s-svc-%02d".formatted(prefix, n);
            long service = jdbc.queryForObject("INSERT INTO service (name, model_id, created_at, created_by)"
                    + " VALUES (?, ?, now(), 't') RETURNING id", Long.class, name, modelId);
            deployer.succeed(request(service, name, DeploymentKind.DEPLOY, 1, List.of(hub, edge)));
            deployer.succeed(request(service, name, DeploymentKind.DEPLOY, 2, List.of(hub, edge)));
            long third = request(service, name, DeploymentKind.DEPLOY, 3, List.of(hub, edge));
            switch (n % 3) {
                case 1 -> deployer.staged(third);
                case 2 -> deployer.fail(third, "disk full");
                default -> deployer.succeed(third);
            }
            held.put(name, switch (n % 3) {
                case 1 -> List.of(3, 2, 1);
                case 2 -> List.of(2, 1);
                default -> List.of(3, 2);
            });
        }
        deployer.held(prefix + "-hub", held);
        deployer.held(prefix + "-edge", held);
    }

    private long request(long service, String name, DeploymentKind kind, int version, List<Long> targets) {
        List<String> targetNames = targets.stream().map(id -> id == hub ? prefix + "-hub" : prefix + "-edge").toList();
        return requests.start(service, name, kind, version, false, targets, targetNames,
                new DeploymentRequests.Requester("t", null), Instant.now());
    }
}
