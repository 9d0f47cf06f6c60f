package io.rtml.registry.telemetry;

import static io.rtml.registry.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.rtml.registry.RegistryApiTest;
import io.rtml.testing.ReferenceModels;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * GET /api/v1/services/{name}/telemetry over windows as the deployer stores them (the deployer's
 * LiveTelemetryTest checks the windows against a real load; here the sums are checked against
 * windows whose content is known): rates count covered time, quantiles come from the summed
 * histograms, old windows are left out, and bad input gets a problem.
 */
class LiveFiguresApiTest extends RegistryApiTest {

    /** Latency buckets in seconds: 1, 2, 4 and 8 ms. */
    private static final Double[] BOUNDS = {0.001, 0.002, 0.004, 0.008};

    private String service;
    private long serviceId;
    private long hub;
    private long edge;
    private String hubName;

    @BeforeEach
    void serviceOnTwoTargets() {
        String model = uniqueName("live-model");
        service = uniqueName("live");
        hubName = uniqueName("hub");
        String edgeName = uniqueName("edge");
        api().postJson("/api/v1/models", Map.of("name", model));
        api().uploadRaw("/api/v1/models/" + model + "/versions", ReferenceModels.bundled("sklearn_rf_iris_zipmap").readBytes());
        api().postJson("/api/v1/targets", Map.of("name", hubName, "kind", "HUB", "region", "central",
                "baseUrl", "http://127.0.0.1:1"));
        api().postJson("/api/v1/targets", Map.of("name", edgeName, "kind", "EDGE", "region", "eu",
                "baseUrl", "http://127.0.0.1:2"));
        assertThat(api().postJson("/api/v1/services", Map.of("name", service, "model", model)).status()).isEqualTo(201);
        serviceId = jdbc.queryForObject("SELECT id FROM service WHERE name = ?", Long.class, service);
        hub = jdbc.queryForObject("SELECT id FROM target WHERE name = ?", Long.class, hubName);
        edge = jdbc.queryForObject("SELECT id FROM target WHERE name = ?", Long.class, edgeName);
    }

    @Test
    void figuresPerVersionAndTargetAddUpTheWindowsOfTheLastMinutes() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        // Hub: version 1, two 10 s windows of 100 requests, all within 1 ms; version 2, 50 requests
        // in the later window, 10 failed, half within 1 ms and half within 8 ms.
        window(hub, 1, "active", now.minusSeconds(20), now.minusSeconds(10), 100, 0, new Long[] {100L, 100L, 100L, 100L});
        window(hub, 1, "active", now.minusSeconds(10), now, 100, 0, new Long[] {100L, 100L, 100L, 100L});
        window(hub, 2, "candidate", now.minusSeconds(10), now, 50, 10, new Long[] {25L, 25L, 25L, 50L});
        // Edge: version 1, one 10 s window of 300 requests.
        window(edge, 1, "active", now.minusSeconds(10), now, 300, 3, new Long[] {300L, 300L, 300L, 300L});
        // Older than the span asked for: left out.
        window(hub, 2, "candidate", now.minusSeconds(400), now.minusSeconds(390), 1000, 1000,
                new Long[] {0L, 0L, 0L, 1000L});

        JsonNode live = api().get("/api/v1/services/" + service + "/telemetry?minutes=5").json();

        assertThat(live.path("minutes").asInt()).isEqualTo(5);
        JsonNode v2 = live.path("versions").get(0);
        assertThat(v2.path("version").asInt()).isEqualTo(2);
        assertThat(v2.path("role").asString()).isEqualTo("candidate");
        assertThat(v2.path("requests").asLong()).isEqualTo(50);
        assertThat(v2.path("errorRatio").asDouble()).isCloseTo(0.2, within(1e-9));
        assertThat(v2.path("ratePerSecond").asDouble()).isCloseTo(5.0, within(1e-9));
        assertThat(v2.path("p50Millis").asDouble()).as("the 25th of 50 is the last within 1 ms").isCloseTo(1.0, within(1e-9));
        assertThat(v2.path("p99Millis").asDouble()).as("interpolated in the 4-8 ms bucket").isCloseTo(7.92, within(1e-9));
        JsonNode v1 = live.path("versions").get(1);
        assertThat(v1.path("requests").asLong()).isEqualTo(500);
        assertThat(v1.path("errorRatio").asDouble()).isCloseTo(3 / 500.0, within(1e-9));
        assertThat(v1.path("ratePerSecond").asDouble()).as("hub 10/s + edge 30/s").isCloseTo(40.0, within(1e-9));
        assertThat(v1.path("target").isNull()).isTrue();

        JsonNode hubV1 = find(live.path("targets"), hubName, 1);
        assertThat(hubV1).isNotNull();
        assertThat(hubV1.path("requests").asLong()).isEqualTo(200);
        assertThat(hubV1.path("ratePerSecond").asDouble()).isCloseTo(10.0, within(1e-9));
        assertThat(hubV1.path("series")).hasSize(2);
        assertThat(hubV1.path("series").get(1).path("requests").asLong()).isEqualTo(100);
        assertThat(live.path("targets")).hasSize(3);
        assertThat(live.path("stepSeconds").asLong()).isEqualTo(10);
    }

    @Test
    void aServiceWithoutWindowsHasNoFiguresAndBadInputGetsAProblem() {
        JsonNode empty = api().get("/api/v1/services/" + service + "/telemetry").json();
        assertThat(empty.path("minutes").asInt()).isEqualTo(LiveFigures.DEFAULT_MINUTES);
        assertThat(empty.path("versions")).isEmpty();
        assertThat(empty.path("targets")).isEmpty();

        assertProblem(api().get("/api/v1/services/" + service + "/telemetry?minutes=0"), 400, "VALIDATION_FAILED");
        assertProblem(api().get("/api/v1/services/" + service + "/telemetry?minutes=61"), 400, "VALIDATION_FAILED");
        assertProblem(api().get("/api/v1/services/no-such-service/telemetry"), 404, "SERVICE_NOT_FOUND");
        assertThat(anonymous().get("/api/v1/services/" + service + "/telemetry").status()).isEqualTo(401);
    }

    private static JsonNode find(JsonNode figures, String target, int version) {
        for (JsonNode f : figures) {
            if (f.path("target").asString().equals(target) && f.path("version").asInt() == version) {
                return f;
            }
        }
        return null;
    }

    private void window(long target, int version, String role, Instant start, Instant end, long requests, long failed,
            Long[] counts) {
        jdbc.update("INSERT INTO telemetry_window (service_id, target_id, version, role, window_start, window_end,"
                + " requests, client_errors, server_errors, latency_bounds, latency_counts, latency_total)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)", serviceId, target, version, role, Timestamp.from(start),
                Timestamp.from(end), requests, failed, BOUNDS, counts, requests);
    }
}
