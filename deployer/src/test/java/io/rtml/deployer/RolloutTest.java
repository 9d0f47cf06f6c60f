package io.rtml.deployer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.deployer.support.Deployers;
import io.rtml.deployer.support.GatherModel;
import io.rtml.deployer.support.Load;
import io.rtml.deployer.support.Registry;
import io.rtml.deployer.support.TestNodes;
import io.rtml.deployment.Rollout;
import io.rtml.deployment.RolloutState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Canary rollouts driven by a real deployer on a hub and two edges under bounded prediction load
 * (one client per node): version 1 of each service is {@code Gather(table, x)}; version 2 is the
 * same model (healthy), one whose table is too short for 20% of the indices (fails them), or one
 * whose outputs are shifted by a constant.
 */
class RolloutTest {

    private static final int BAKE = 2;

    static TestNodes.Node hub;
    static TestNodes.Node eu;
    static TestNodes.Node us;
    static ConfigurableApplicationContext deployer;
    static Registry registry;
    static List<Long> targets;

    @BeforeAll
    static void start() {
        hub = TestNodes.hub("hub");
        eu = TestNodes.edge("edge-eu");
        us = TestNodes.edge("edge-us");
        deployer = Deployers.start("rollout", Map.of());
        registry = new Registry(deployer.getBean(S3Client.class));
        targets = List.of(
                registry.target(Registry.unique("hub"), "HUB", hub.baseUrl()),
                registry.target(Registry.unique("eu"), "EDGE", eu.baseUrl()),
                registry.target(Registry.unique("us"), "EDGE", us.baseUrl()));
    }

    @AfterAll
    static void stop() {
        if (deployer != null) {
            deployer.close();
        }
        hub.close();
        eu.close();
        us.close();
    }

    @Test
    void aHealthyCandidateWalksEveryStepAndThePreviousVersionStaysStandby() throws Exception {
        String service = Registry.unique("healthy");
        long serviceId = serviceWith(service, GatherModel.bytes(20, 0, "same"));
        long id;
        try (Load load = load(service)) {
            id = registry.deploy(serviceId, 2, targets, canary(List.of(20, 50, 100), 0.05, 20L));
            DeploymentFlowTest.awaitFinal(registry, id, "SUCCEEDED", Duration.ofSeconds(60));
            assertThat(load.counts()).as("no request failed").allSatisfy((k, n) -> assertThat(k).endsWith(" 200"));
            assertThat(load.count("2", 200)).isPositive();
        }
        RolloutState state = registry.rollout(id);
        assertThat(state.decisions()).extracting(RolloutState.Decision::action).containsExactly("PROMOTE", "ACTIVATE");
        assertThat(state.decisions()).extracting(RolloutState.Decision::percent).containsExactly(20, 50);
        assertThat(state.decisions()).allSatisfy(d -> {
            assertThat(d.by()).isEqualTo("deployer");
            assertThat(d.measurements().candidate().requests()).isGreaterThanOrEqualTo(20);
            assertThat(d.measurements().candidate().p99Millis()).isPositive();
            assertThat(d.measurements().psi()).as("the same outputs").isLessThan(0.2);
        });
        for (TestNodes.Node node : List.of(hub, eu, us)) {
            JsonNode held = versions(node, service);
            assertThat(held.toString()).as(node.name).contains("\"version\":1").contains("\"version\":2");
            assertThat(active(node, service)).isEqualTo(2);
        }
        assertThat(registry.serviceTargets(serviceId)).allSatisfy(row -> {
            assertThat(row.get("active_version")).isEqualTo(2);
            assertThat(row.get("previous_version")).isEqualTo(1);
        });
    }

    @Test
    void aCandidateThatFailsOneRequestInFiveIsRolledBackWithinOneBakePlusOneSecond() throws Exception {
        String service = Registry.unique("failing");
        long serviceId = serviceWith(service, GatherModel.bytes(16, 0, "short-table"));
        long id;
        try (Load load = load(service)) {
            id = registry.deploy(serviceId, 2, targets, canary(List.of(25, 100), 0.05, 20L));
            DeploymentFlowTest.awaitFinal(registry, id, "ROLLED_BACK", Duration.ofSeconds(60));
            long afterRollback = load.count("1", 200);
            await().atMost(Duration.ofSeconds(10)).until(() -> load.count("1", 200) > afterRollback + 30);
            assertThat(load.counts()).as("every failure is the candidate's: none on the stable version")
                    .allSatisfy((k, n) -> assertThat(k.startsWith("1 ") ? k.equals("1 200") : k.startsWith("2 "))
                            .as(k).isTrue());
            // ONNX Runtime rejecting an index is a client error (400) on the node; the stable version answers it.
            assertThat(load.counts().keySet().stream().filter(k -> k.startsWith("2 4") || k.startsWith("2 5")))
                    .isNotEmpty();
        }
        Map<String, Object> row = registry.deployment(id);
        RolloutState state = registry.rollout(id);
        assertThat((String) row.get("error")).contains("error ratio").contains("above the limit 0.0500");
        // The return to version 1 follows in the history as a ROLLBACK with the reason.
        Map<String, Object> rollback = rollbackOf(id);
        assertThat(rollback).containsEntry("version", 1).containsEntry("status", "SUCCEEDED");
        assertThat((String) rollback.get("requested_by")).startsWith("deployer:");
        assertThat((String) rollback.get("reason")).isEqualTo(row.get("error")).contains("error ratio");
        assertThat(registry.targetStatuses((Long) rollback.get("id"))).hasSize(3).containsOnly("ACTIVE");
        long tookMillis = ((Timestamp) row.get("finished_at")).toInstant().toEpochMilli()
                - state.stepStartedAt().toEpochMilli();
        assertThat(tookMillis).as("from the step's start to everything back on version 1")
                .isLessThanOrEqualTo((BAKE + 1) * 1000L);
        assertThat(state.decisions()).extracting(RolloutState.Decision::action).containsExactly("ROLL_BACK");
        assertThat(state.decisions().get(0).measurements().candidate().errorRatio()).isBetween(0.1, 0.3);
        assertThat(state.decisions().get(0).measurements().stable().serverErrors()).isZero();
        assertThat(registry.targetStatuses(id)).containsOnly("REVERTED");
        for (TestNodes.Node node : List.of(hub, eu, us)) {
            assertThat(active(node, service)).isEqualTo(1);
        }
        assertThat(registry.serviceTargets(serviceId)).allSatisfy(r -> assertThat(r.get("active_version")).isEqualTo(1));
    }

    @Test
    void aCandidateWithShiftedOutputsIsCaughtByTheDistributionGuard() throws Exception {
        String service = Registry.unique("shifted");
        long serviceId = serviceWith(service, GatherModel.bytes(20, 5, "plus-five"));
        long id;
        try (Load load = load(service)) {
            id = registry.deploy(serviceId, 2, targets, canary(List.of(25, 100), 0.05, 20L));
            DeploymentFlowTest.awaitFinal(registry, id, "ROLLED_BACK", Duration.ofSeconds(60));
            assertThat(load.counts()).allSatisfy((k, n) -> assertThat(k).endsWith(" 200"));
        }
        assertThat((String) registry.deployment(id).get("error")).contains("output distribution").contains("PSI");
        assertThat(registry.rollout(id).decisions().get(0).measurements().psi()).isGreaterThan(0.2);
    }

    @Test
    void aShadowNeverServesTheCandidateAndRecordsItsAgreement() throws Exception {
        String service = Registry.unique("shadowed");
        long serviceId = serviceWith(service, GatherModel.bytes(20, 5, "plus-five"));
        long id;
        try (Load load = load(service)) {
            id = registry.deploy(serviceId, 2, targets, new Rollout("shadow", null, null, 0, 50, BAKE, null));
            DeploymentFlowTest.awaitFinal(registry, id, "SHADOWED", Duration.ofSeconds(60));
            assertThat(load.counts()).as("every reply from the stable version").containsOnlyKeys("1 200");
        }
        RolloutState.Measurements m = registry.rollout(id).decisions().get(0).measurements();
        assertThat(m.shadow().compared()).isPositive();
        assertThat(m.shadow().agreementRatio()).as("every output is 5 off").isZero();
        assertThat(m.shadow().p99Millis()).isPositive();
        assertThat(m.candidate().requests()).as("the candidate served nothing").isZero();
        for (TestNodes.Node node : List.of(hub, eu, us)) {
            assertThat(active(node, service)).isEqualTo(1);
            assertThat(shadowOf(node, service).isNull()).as("the shadow ended on " + node.name).isTrue();
        }
        assertThat(registry.serviceTargets(serviceId)).allSatisfy(r -> assertThat(r.get("active_version")).isEqualTo(1));
    }

    @Test
    void promoteAndAbortByHandAreTakenAtOnce() throws Exception {
        String service = Registry.unique("by-hand");
        long serviceId = serviceWith(service, GatherModel.bytes(20, 0, "same"));
        try (Load load = load(service)) {
            Rollout slow = new Rollout("canary", List.of(10, 30, 100), null, 600, null, null,
                    new Rollout.Guardrails(0.05, null, 0.2, 20L));
            long id = registry.deploy(serviceId, 2, targets, slow);
            await().atMost(Duration.ofSeconds(30)).until(() -> stepStarted(id, 10));

            assertThat(registry.decide(serviceId, id, "PROMOTE")).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> stepStarted(id, 30));
            assertThat(registry.rollout(id).decisions()).extracting(RolloutState.Decision::by)
                    .containsExactly("by hand");

            assertThat(registry.decide(serviceId, id, "ABORT")).isTrue();
            DeploymentFlowTest.awaitFinal(registry, id, "ROLLED_BACK", Duration.ofSeconds(5));
            assertThat((String) registry.deployment(id).get("error")).contains("aborted by hand");
            Map<String, Object> rollback = rollbackOf(id);
            assertThat(rollback).containsEntry("version", 1).containsEntry("status", "SUCCEEDED")
                    .containsEntry("requested_by", "bob");
            assertThat((String) rollback.get("reason")).contains("aborted by hand");
            assertThat(registry.decide(serviceId, id, "PROMOTE")).as("no longer rolling out").isFalse();
            long mark = load.count("1", 200);
            await().atMost(Duration.ofSeconds(10)).until(() -> load.count("1", 200) > mark + 30);
            long candidate = load.count("2", 200);
            Thread.sleep(300);
            assertThat(load.count("2", 200)).as("the split ended everywhere").isEqualTo(candidate);
        }
    }

    @Test
    void aRestartedDeployerResumesTheRollout() throws Exception {
        String service = Registry.unique("resumed");
        long serviceId = serviceWith(service, GatherModel.bytes(20, 0, "same"));
        try (Load load = load(service)) {
            long id = registry.deploy(serviceId, 2, targets, canary(List.of(20, 100), 0.05, 20L));
            await().atMost(Duration.ofSeconds(30)).until(() -> stepStarted(id, 20));
            deployer.close();
            deployer = Deployers.start("rollout-2", Map.of());
            DeploymentFlowTest.awaitFinal(registry, id, "SUCCEEDED", Duration.ofSeconds(60));
            assertThat(registry.rollout(id).decisions()).extracting(RolloutState.Decision::action)
                    .containsExactly("ACTIVATE");
            assertThat(load.counts()).allSatisfy((k, n) -> assertThat(k).endsWith(" 200"));
        }
    }

    /** The ROLLBACK deployment the deployer recorded after rolling back deployment {@code id}; exactly one. */
    private static Map<String, Object> rollbackOf(long id) {
        List<Map<String, Object>> rows = registry.jdbc.queryForList("SELECT id, kind, version, status, requested_by,"
                + " reason FROM deployment WHERE reverts_deployment_id = ?", id);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)).containsEntry("kind", "ROLLBACK");
        assertThat((Long) rows.get(0).get("id")).isGreaterThan(id);
        return rows.get(0);
    }

    private static boolean stepStarted(long id, int percent) {
        RolloutState state = registry.rollout(id);
        return state != null && state.percent() == percent && state.stepStartedAt() != null;
    }

    private static Rollout canary(List<Integer> steps, double maxErrorRatio, long minRequests) {
        return new Rollout("canary", steps, null, BAKE, null, null,
                new Rollout.Guardrails(maxErrorRatio, null, 0.2, minRequests));
    }

    /** A service on every target at version 1 (the 20-entry table), with {@code candidate} as version 2. */
    private static long serviceWith(String service, byte[] candidate) {
        long model = registry.model(service + "-model");
        registry.version(model, 1, GatherModel.bytes(20, 0, "stable"));
        registry.version(model, 2, candidate);
        long serviceId = registry.service(service, model);
        DeploymentFlowTest.awaitFinal(registry, registry.deploy(serviceId, "DEPLOY", 1, targets), "SUCCEEDED");
        return serviceId;
    }

    private static Load load(String service) {
        return new Load(service, List.of(hub.baseUrl(), eu.baseUrl(), us.baseUrl()));
    }

    private static JsonNode state(TestNodes.Node node) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(node.baseUrl() + "/admin/v1/state")).header("Authorization", "Bearer " + TestNodes.TOKEN)
                .build(), HttpResponse.BodyHandlers.ofString());
        return JsonMapper.builder().build().readTree(response.body());
    }

    private static JsonNode versions(TestNodes.Node node, String service) throws Exception {
        for (JsonNode s : state(node).path("services")) {
            if (s.path("service").asString().equals(service)) {
                return s.path("versions");
            }
        }
        throw new AssertionError(node.name + " does not hold " + service);
    }

    private static JsonNode shadowOf(TestNodes.Node node, String service) throws Exception {
        for (JsonNode s : state(node).path("services")) {
            if (s.path("service").asString().equals(service)) {
                return s.path("shadow");
            }
        }
        throw new AssertionError(node.name + " does not hold " + service);
    }

    private static int active(TestNodes.Node node, String service) throws Exception {
        for (JsonNode s : state(node).path("services")) {
            if (s.path("service").asString().equals(service)) {
                return s.path("activeVersion").asInt();
            }
        }
        throw new AssertionError(node.name + " does not hold " + service);
    }
}
