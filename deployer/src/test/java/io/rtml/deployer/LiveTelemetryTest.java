package io.rtml.deployer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.deployer.support.Deployers;
import io.rtml.deployer.support.GatherModel;
import io.rtml.deployer.support.Load;
import io.rtml.deployer.support.Registry;
import io.rtml.deployer.support.TestNodes;
import io.rtml.deployment.Rollout;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The deployer's live telemetry: a real deployer reading a hub and two edges every 300 ms while a
 * canary at 50% serves a bounded prediction load, its candidate failing the indices its table lacks
 * (one request in five). The windows it stores add up to exactly the requests the load sent, per
 * version and outcome.
 */
class LiveTelemetryTest {

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
        deployer = Deployers.start("telemetry", Map.of("rtml.deployer.telemetry.interval", "300ms"));
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
    void theStoredWindowsAddUpToTheLoadSentPerTargetAndVersion() throws Exception {
        String service = Registry.unique("live");
        long model = registry.model(service + "-model");
        registry.version(model, 1, GatherModel.bytes(20, 0, "stable"));
        registry.version(model, 2, GatherModel.bytes(16, 0, "short-table"));
        long serviceId = registry.service(service, model);
        DeploymentFlowTest.awaitFinal(registry, registry.deploy(serviceId, "DEPLOY", 1, targets), "SUCCEEDED");
        Rollout half = new Rollout("canary", List.of(50, 100), null, 600, null, null,
                new Rollout.Guardrails(null, null, null, null));
        long canary = registry.deploy(serviceId, 2, targets, half);
        await().atMost(Duration.ofSeconds(30)).until(() -> registry.rollout(canary) != null
                && registry.rollout(canary).stepStartedAt() != null);
        // Every target read once after the split was set and before the first request: the baseline.
        awaitReadAfter(Instant.now());

        Map<String, Long> sent;
        try (Load load = new Load(service, List.of(hub.baseUrl(), eu.baseUrl(), us.baseUrl()))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.count("2", 200) > 300 && load.count("1", 200) > 300);
            // windows keep coming while the load runs: at least four for one target, to check they chain
            await().atMost(Duration.ofSeconds(30)).until(() -> registry.count("SELECT count(*) FROM telemetry_window"
                    + " WHERE service_id = ? AND target_id = ? AND version = 2 AND requests > 0", serviceId,
                    targets.get(0)) >= 4);
            load.close();
            sent = load.counts();
        }
        awaitReadAfter(Instant.now());

        long v1 = sent.getOrDefault("1 200", 0L);
        long v2ok = sent.getOrDefault("2 200", 0L);
        long v2failed = sent.entrySet().stream().filter(e -> e.getKey().startsWith("2 ") && !e.getKey().equals("2 200"))
                .mapToLong(Map.Entry::getValue).sum();
        assertThat(sent.keySet()).as("every answer came from a version").allMatch(k -> k.startsWith("1 ") || k.startsWith("2 "));
        assertThat(sent.keySet()).as("the stable version never failed").filteredOn(k -> k.startsWith("1 "))
                .containsExactly("1 200");

        Map<String, Object> stable = sums(serviceId, 1);
        Map<String, Object> candidate = sums(serviceId, 2);
        assertThat(stable).containsEntry("requests", v1).containsEntry("failed", 0L);
        assertThat(candidate).containsEntry("requests", v2ok + v2failed).containsEntry("failed", v2failed);
        double errorRatio = (double) v2failed / (v2ok + v2failed);
        assertThat(errorRatio).as("the candidate lacks 4 of 20 indices").isBetween(0.12, 0.28);
        // The node times the requests a version answered: failed ones have no latency.
        assertThat((Long) candidate.get("latency_count")).as("one latency per answered request").isEqualTo(v2ok);
        assertThat((Long) stable.get("latency_count")).isEqualTo(v1);
        assertThat(registry.jdbc.queryForList("SELECT DISTINCT target_id FROM telemetry_window WHERE service_id = ?"
                + " AND requests > 0", Long.class, serviceId)).as("every target served").containsExactlyInAnyOrderElementsOf(targets);
        assertThat(registry.jdbc.queryForList("SELECT DISTINCT role FROM telemetry_window WHERE service_id = ?"
                + " ORDER BY role", String.class, serviceId)).containsExactly("active", "candidate");
        assertThat(registry.count("SELECT count(*) FROM telemetry_window WHERE service_id = ? AND window_end <= window_start",
                serviceId)).isZero();

        // Consecutive windows of one target and version follow each other without a gap or an overlap.
        List<Map<String, Object>> windows = registry.jdbc.queryForList("SELECT window_start, window_end FROM"
                + " telemetry_window WHERE service_id = ? AND target_id = ? AND version = 2 ORDER BY window_end",
                serviceId, targets.get(0));
        assertThat(windows).hasSizeGreaterThan(3);
        for (int i = 1; i < windows.size(); i++) {
            assertThat(windows.get(i).get("window_start")).isEqualTo(windows.get(i - 1).get("window_end"));
        }
        registry.decide(serviceId, canary, "ABORT");
        DeploymentFlowTest.awaitFinal(registry, canary, "ROLLED_BACK", Duration.ofSeconds(10));
    }

    /** Sums over every window and target of one version: requests, failed, and the latency histogram's count. */
    private static Map<String, Object> sums(long serviceId, int version) {
        return registry.jdbc.queryForMap("SELECT coalesce(sum(requests), 0)::bigint AS requests,"
                + " coalesce(sum(client_errors + server_errors), 0)::bigint AS failed,"
                + " coalesce(sum(latency_total), 0)::bigint AS latency_count"
                + " FROM telemetry_window WHERE service_id = ? AND version = ?", serviceId, version);
    }

    /** Waits until the deployer has stored a snapshot of every target read after {@code after}. */
    private static void awaitReadAfter(Instant after) {
        await().atMost(Duration.ofSeconds(15)).until(() -> registry.count("SELECT count(*) FROM telemetry_snapshot"
                + " WHERE target_id = ANY(?) AND taken_at > ?", targets.toArray(Long[]::new), Timestamp.from(after))
                == targets.size());
    }
}
