package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A traffic split between the active version and a loaded candidate, set and cleared through the
 * admin API: the observed share, sticky route keys, the version pin, and how activation ends it.
 * Batching is on (the default), so that requests of both versions meet in the same event-loop
 * iterations and must still each run on their own version.
 */
class TrafficSplitTest extends OneNodeTest {

    static final ReferenceModel IRIS = ReferenceModels.named("sklearn_rf_iris_zipmap");
    static final String PATH = "/v1/services/split/predict";
    static final String BODY = TelemetryTest.RECORD;

    @BeforeEach
    void activeOneCandidateTwo() {
        node.deploy(artifacts, "split", 1, IRIS, null);
        String url = artifacts.put("split-2.onnx", IRIS.readBytes());
        assertThat(node.stage("split", 2, url, IRIS.sha256(), IRIS.bytes(), null).status()).isEqualTo(200);
        assertThat(node.client.admin("DELETE", "/admin/v1/services/split/traffic", null).status()).isEqualTo(200);
    }

    @Test
    void theCandidateGetsItsShareOfUnkeyedRequests() throws Exception {
        assertThat(traffic(2, 25).status()).isEqualTo(200);
        Map<String, Integer> versions = new HashMap<>();
        int n = 2400;
        Thread[] clients = new Thread[4];
        for (int c = 0; c < clients.length; c++) {
            NodeClient client = new NodeClient(node.node.port(), null);
            clients[c] = new Thread(() -> {
                for (int i = 0; i < n / clients.length; i++) {
                    NodeClient.Response r = client.post(PATH, BODY);
                    assertThat(r.status()).as(r.raw()).isEqualTo(200);
                    synchronized (versions) {
                        versions.merge(r.modelVersion(), 1, Integer::sum);
                    }
                }
            });
            clients[c].start();
        }
        for (Thread t : clients) {
            t.join();
        }
        assertThat(versions.keySet()).containsExactlyInAnyOrder("1", "2");
        assertThat(100.0 * versions.get("2") / n).isBetween(22.0, 28.0);
    }

    @Test
    void aRouteKeyKeepsItsVersionAndOnlyMovesToTheCandidateAsThePercentGrows() {
        int keys = 2000;
        String[] before = new String[keys];
        assertThat(traffic(2, 10).status()).isEqualTo(200);
        int onCandidate = 0;
        for (int k = 0; k < keys; k++) {
            before[k] = keyed("user-" + k);
            onCandidate += before[k].equals("2") ? 1 : 0;
        }
        assertThat(100.0 * onCandidate / keys).isBetween(7.0, 13.0);
        for (int k = 0; k < keys; k += 7) {
            assertThat(keyed("user-" + k)).as("same key, same step").isEqualTo(before[k]);
        }

        assertThat(traffic(2, 50).status()).isEqualTo(200);
        onCandidate = 0;
        for (int k = 0; k < keys; k++) {
            String now = keyed("user-" + k);
            if (before[k].equals("2")) {
                assertThat(now).as("user-%d stays on the candidate", k).isEqualTo("2");
            }
            onCandidate += now.equals("2") ? 1 : 0;
        }
        assertThat(100.0 * onCandidate / keys).isBetween(47.0, 53.0);
    }

    @Test
    void aPinnedVersionIsServedWhateverTheSplit() {
        assertThat(traffic(2, 100).status()).isEqualTo(200);
        for (int i = 0; i < 20; i++) {
            assertThat(node.client.post(PATH, BODY, "Rtml-Model-Version", "1").modelVersion()).isEqualTo("1");
            assertThat(node.client.post(PATH, BODY).modelVersion()).isEqualTo("2");
        }
        assertThat(node.client.post("/v2/models/split/infer", AdminApiTest.IRIS_INFER, "Rtml-Model-Version", "1")
                .modelVersion()).isEqualTo("1");
        NodeClient.Response missing = node.client.post(PATH, BODY, "Rtml-Model-Version", "9");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.error()).contains("version 9").contains("not loaded");
        assertThat(node.client.post(PATH, BODY, "Rtml-Model-Version", "two").status()).isEqualTo(400);
    }

    @Test
    void theAdminApiRefusesCandidatesThatCannotServe() {
        assertThat(traffic(7, 10).status()).isEqualTo(404);
        NodeClient.Response active = traffic(1, 10);
        assertThat(active.status()).isEqualTo(409);
        assertThat(active.error()).contains("active");
        assertThat(traffic(2, 101).status()).isEqualTo(400);
        assertThat(node.client.admin("PUT", "/admin/v1/services/nothing/traffic",
                Map.of("candidate", 2, "percent", 5)).status()).isEqualTo(404);
    }

    @Test
    void deleteSendsEverythingBackAndActivationEndsTheSplit() {
        NodeClient.Response set = traffic(2, 100);
        assertThat(set.body().path("candidate").asInt()).isEqualTo(2);
        assertThat(service(node.client.admin("GET", "/admin/v1/state", null).body()).path("traffic").path("percent")
                .asInt()).isEqualTo(100);
        assertThat(node.client.post(PATH, BODY).modelVersion()).isEqualTo("2");

        NodeClient.Response cleared = node.client.admin("DELETE", "/admin/v1/services/split/traffic", null);
        assertThat(cleared.status()).isEqualTo(200);
        assertThat(cleared.body().path("candidate").isNull()).isTrue();
        assertThat(service(node.client.admin("GET", "/admin/v1/state", null).body()).path("traffic").isNull()).isTrue();
        assertThat(node.client.post(PATH, BODY).modelVersion()).isEqualTo("1");

        assertThat(traffic(2, 30).status()).isEqualTo(200);
        assertThat(node.activate("split", 2).status()).isEqualTo(200);
        JsonNode state = service(node.client.admin("GET", "/admin/v1/state", null).body());
        assertThat(state.path("traffic").isNull()).isTrue();
        assertThat(state.path("activeVersion").asInt()).isEqualTo(2);
        assertThat(state.path("versions").size()).as("the previous active version stays as standby").isEqualTo(2);
        for (int i = 0; i < 20; i++) {
            assertThat(node.client.post(PATH, BODY).modelVersion()).isEqualTo("2");
        }
        assertThat(node.activate("split", 1).status()).isEqualTo(200); // back for the next test
    }

    private static NodeClient.Response traffic(int candidate, int percent) {
        return node.client.admin("PUT", "/admin/v1/services/split/traffic", Map.of("candidate", candidate, "percent", percent));
    }

    private static String keyed(String key) {
        NodeClient.Response r = node.client.post(PATH, BODY, "Rtml-Route-Key", key);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.modelVersion();
    }

    static JsonNode service(JsonNode state) {
        return service(state, "split");
    }

    static JsonNode service(JsonNode state, String name) {
        for (JsonNode s : state.path("services")) {
            if (s.path("service").asString().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no service '" + name + "' in " + state);
    }
}
