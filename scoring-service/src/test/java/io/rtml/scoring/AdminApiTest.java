package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Stage, activate, unload and state through the admin API, including what it must refuse. The node
 * spins in its event-loop select (rtml.scoring.io-spin-micros), which these tests exercise too.
 */
@OneNodeTest.NodeSettings("rtml.scoring.io-spin-micros=50")
class AdminApiTest extends OneNodeTest {

    static ReferenceModel model(String name) {
        return ReferenceModels.named(name);
    }

    static final String IRIS_INFER = "{\"inputs\":[{\"name\":\"float_input\",\"datatype\":\"FP32\",\"shape\":[1,4],"
            + "\"data\":[5.1,3.5,1.4,0.2]}]}";

    @Test
    void everyAdminCallNeedsTheNodeToken() {
        NodeClient anonymous = new NodeClient(node.node.port(), null);
        NodeClient wrong = new NodeClient(node.node.port(), "not-the-token");
        for (String[] call : List.of(new String[] {"GET", "/admin/v1/state"}, new String[] {"POST", "/admin/v1/stage"},
                new String[] {"POST", "/admin/v1/activate"}, new String[] {"POST", "/admin/v1/unload"})) {
            assertThat(anonymous.admin(call[0], call[1], "{}").status()).as(call[1]).isEqualTo(401);
            NodeClient.Response r = wrong.admin(call[0], call[1], "{}");
            assertThat(r.status()).as(call[1]).isEqualTo(401);
            assertThat(r.error()).isEqualTo("missing or wrong node token");
        }
    }

    @Test
    void stageIsIdempotentAndDoesNotChangeTheActiveVersion() {
        ReferenceModel iris = model("sklearn_rf_iris_zipmap");
        node.deploy(artifacts, "idem", 1, iris, null);
        String url = artifacts.put("idem-2.onnx", iris.readBytes());
        int before = artifacts.downloads();

        NodeClient.Response first = node.stage("idem", 2, url, iris.sha256(), iris.bytes(), null);
        NodeClient.Response second = node.stage("idem", 2, url, iris.sha256(), iris.bytes(), null);

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().path("status").asString()).isEqualTo("READY");
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body().path("alreadyLoaded").asBoolean()).isTrue();
        assertThat(artifacts.downloads()).as("same sha-256 is served from the cache").isEqualTo(before);
        assertThat(node.client.post("/v2/models/idem/infer", IRIS_INFER).modelVersion()).isEqualTo("1");

        NodeClient.Response conflict = node.stage("idem", 2, url, "0".repeat(64), iris.bytes(), null);
        assertThat(conflict.status()).isEqualTo(409);
    }

    @Test
    void aStageThatOutlastsItsWaitAnswers202AndALaterCallGetsItsOutcome() {
        ReferenceModel model = model("sklearn_tree_regressor_fp64");
        String url = artifacts.put("slow-1.onnx", model.readBytes());
        artifacts.hold();
        try {
            NodeClient.Response first = node.stage("slow", 1, url, model.sha256(), model.bytes(), null, 0L);
            assertThat(first.status()).as(first.raw()).isEqualTo(202);
            assertThat(first.body().path("status").asString()).isEqualTo("STAGING");
            assertThat(first.body().path("version").asInt()).isEqualTo(1);
            assertThat(node.activate("slow", 1).status()).as("activate while staging").isEqualTo(409);
            assertThat(node.stage("slow", 1, url, model.sha256(), model.bytes(), null, 50L).status()).isEqualTo(202);
        } finally {
            artifacts.release();
        }
        NodeClient.Response done = node.stage("slow", 1, url, model.sha256(), model.bytes(), null, null);
        assertThat(done.status()).as(done.raw()).isEqualTo(200);
        assertThat(done.body().path("status").asString()).isEqualTo("READY");
        assertThat(done.body().path("downloaded").asBoolean()).as("the stage's own outcome").isTrue();
        NodeClient.Response again = node.stage("slow", 1, url, model.sha256(), model.bytes(), null, 0L);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().path("alreadyLoaded").asBoolean()).isTrue();
        assertThat(node.activate("slow", 1).status()).isEqualTo(200);
    }

    @Test
    void aFailedStageIsToldToTheNextCallOnceThenTheStageStartsOver() {
        ReferenceModel model = model("onnx_node_tree_ensemble_v5");
        byte[] bytes = model.readBytes();
        bytes[bytes.length / 3] ^= 0x33;
        String url = artifacts.put("told-1.onnx", bytes);
        artifacts.hold();
        NodeClient.Response first = node.stage("told", 1, url, model.sha256(), model.bytes(), null, 0L);
        assertThat(first.status()).isEqualTo(202);
        int downloads = artifacts.downloads();
        artifacts.release();

        // Every call waits 0 ms, so the stage fails while nobody waits: its outcome is kept for the next call.
        AtomicReference<NodeClient.Response> told = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            told.set(node.stage("told", 1, url, model.sha256(), model.bytes(), null, 0L));
            return told.get().status() != 202;
        });
        assertThat(told.get().status()).as(told.get().raw()).isEqualTo(422);
        assertThat(told.get().error()).startsWith("artifact sha-256 mismatch");
        assertThat(artifacts.downloads()).isEqualTo(downloads + 1);

        NodeClient.Response retried = node.stage("told", 1, url, model.sha256(), model.bytes(), null, null);
        assertThat(retried.status()).isEqualTo(422);
        assertThat(artifacts.downloads()).as("told once: the next call stages again").isEqualTo(downloads + 2);
    }

    @Test
    void corruptedArtifactIsRefusedAndTheActiveVersionKeepsServing() {
        ReferenceModel iris = model("sklearn_rf_iris_zipmap");
        node.deploy(artifacts, "corrupt", 1, iris, null);
        // a model this node has never cached, so its bytes really are downloaded and checked
        ReferenceModel next = model("sklearn_voting_string_labels");
        byte[] bytes = next.readBytes();
        bytes[bytes.length / 2] ^= 0x5a;
        String url = artifacts.put("corrupt-2.onnx", bytes);

        NodeClient.Response r = node.stage("corrupt", 2, url, next.sha256(), next.bytes(), null);

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.error()).startsWith("artifact sha-256 mismatch: expected " + next.sha256());
        assertThat(node.activate("corrupt", 2).status()).isEqualTo(404);
        NodeClient.Response served = node.client.post("/v2/models/corrupt/infer", IRIS_INFER);
        assertThat(served.status()).isEqualTo(200);
        assertThat(served.modelVersion()).isEqualTo("1");
        assertThat(versions(service(state(), "corrupt"))).containsExactly(1);
        assertThat(dataDir.resolve("artifacts").toFile().list()).allMatch(f -> f.endsWith(".onnx"));

        NodeClient.Response wrongSize = node.stage("corrupt", 3, url, next.sha256(), next.bytes() - 1, null);
        assertThat(wrongSize.status()).isEqualTo(422);
        assertThat(wrongSize.error()).contains("larger than the expected");
        NodeClient.Response missing = node.stage("corrupt", 4,
                url.replace("corrupt-2.onnx", "nothing-here.onnx"), next.sha256(), next.bytes(), null);
        assertThat(missing.status()).isEqualTo(502);
        assertThat(missing.error()).contains("HTTP 404").doesNotContain("X-Amz-Signature");
    }

    @Test
    void modelsOnnxRuntimeCannotLoadAreRefusedAtStage() {
        for (String name : List.of("unloadable_custom_op", "broken_not_onnx", "broken_truncated")) {
            ReferenceModel bad = model(name);
            String url = artifacts.put(name + ".onnx", bad.readBytes());
            NodeClient.Response r = node.stage("bad-" + name.replace('_', '-'), 1, url, bad.sha256(), bad.bytes(), null);
            assertThat(r.status()).as(name).isEqualTo(422);
            // Files that are not ONNX are refused by the walk, before ONNX Runtime sees them.
            assertThat(r.error()).as(name).startsWith(name.startsWith("broken_")
                    ? "the model is refused: the file is not an ONNX model" : "ONNX Runtime cannot load the model");
        }
        assertThat(node.client.get("/v2/health/ready").status()).isEqualTo(200);
    }

    @Test
    void activateUnloadAndStandbyLimits() {
        ReferenceModel xgb = model("xgboost_regressor");
        for (int v = 1; v <= 4; v++) {
            node.deploy(artifacts, "limits", v, xgb, null);
        }
        JsonNode service = service(state(), "limits");
        assertThat(service.path("activeVersion").asInt()).isEqualTo(4);
        assertThat(service.path("activeSince").asString()).isNotBlank();
        assertThat(versions(service)).as("active + 2 standby").containsExactly(2, 3, 4);
        assertThat(service.path("versions").get(0).path("sha256").asString()).isEqualTo(xgb.sha256());

        assertThat(node.activate("limits", 2).status()).as("rollback is an activation").isEqualTo(200);
        assertThat(node.client.post("/v2/models/limits/infer", xgbRequest()).modelVersion()).isEqualTo("2");
        assertThat(node.activate("limits", 1).status()).isEqualTo(404);
        assertThat(node.unload("limits", 2).status()).as("the active version").isEqualTo(409);
        assertThat(node.unload("limits", 3).status()).isEqualTo(200);
        assertThat(node.unload("limits", 3).status()).isEqualTo(404);
        assertThat(versions(service(state(), "limits"))).containsExactly(2, 4);
        assertThat(node.client.get("/v2/models/limits/versions/4/ready").status()).isEqualTo(200);
        assertThat(node.client.post("/v2/models/limits/versions/4/infer", xgbRequest()).modelVersion()).isEqualTo("4");
    }

    @Test
    void removeTakesAWholeServiceOffTheNodeActiveVersionIncludedAndCanBeRepeated() {
        ReferenceModel xgb = model("xgboost_regressor");
        node.deploy(artifacts, "leaving", 1, xgb, null);
        node.deploy(artifacts, "leaving", 2, xgb, null);
        node.deploy(artifacts, "staying", 1, xgb, null);

        NodeClient.Response removed = node.client.admin("POST", "/admin/v1/remove", Map.of("service", "leaving"));
        assertThat(removed.status()).as(removed.raw()).isEqualTo(200);
        assertThat(removed.body().path("removed").asBoolean()).isTrue();
        assertThat(removed.body().path("versions").toString()).isEqualTo("[1,2]");
        assertThat(node.client.post("/v2/models/leaving/infer", xgbRequest()).status()).isEqualTo(404);
        assertThat(node.client.get("/v2/models/leaving/versions/1/ready").status()).isEqualTo(404);
        assertThat(StreamSupport.stream(state().path("services").spliterator(), false)
                .map(s -> s.path("service").asString())).doesNotContain("leaving").contains("staying");
        assertThat(node.client.post("/v2/models/staying/infer", xgbRequest()).modelVersion()).isEqualTo("1");

        NodeClient.Response again = node.client.admin("POST", "/admin/v1/remove", Map.of("service", "leaving"));
        assertThat(again.status()).as("a resumed undeployment repeats the call").isEqualTo(200);
        assertThat(again.body().path("removed").asBoolean()).isFalse();
        assertThat(node.client.admin("POST", "/admin/v1/remove", Map.of("service", "../x")).status()).isEqualTo(400);
        assertThat(node.client.admin("POST", "/admin/v1/remove", "{}").status()).isEqualTo(400);
    }

    @Test
    void stateListsTheNode() {
        JsonNode state = state();
        assertThat(state.path("node").path("name").asString()).isEqualTo("test-edge");
        assertThat(state.path("node").path("kind").asString()).isEqualTo("EDGE");
        assertThat(state.path("node").path("region").asString()).isEqualTo("eu-test");
        assertThat(state.path("ready").asBoolean()).isTrue();
    }

    @Test
    void badAdminBodiesAre400() {
        assertThat(node.client.admin("POST", "/admin/v1/stage", "{not json").status()).isEqualTo(400);
        assertThat(node.client.admin("POST", "/admin/v1/stage", "").status()).isEqualTo(400);
        assertThat(node.client.admin("POST", "/admin/v1/stage", Map.of("service", "x")).status()).isEqualTo(400);
        assertThat(node.client.admin("POST", "/admin/v1/stage", Map.of("service", "x", "version", 1,
                "artifactUrl", "file:///etc/passwd", "sha256", "0".repeat(64), "sizeBytes", 1)).status()).isEqualTo(400);
        assertThat(node.client.admin("POST", "/admin/v1/activate", Map.of("service", "../x", "version", 1)).status())
                .isEqualTo(400);
        assertThat(node.client.admin("POST", "/admin/v1/activate", Map.of("service", "x", "version", "one")).status())
                .isEqualTo(400);
        assertThat(node.client.admin("GET", "/admin/v1/activate", null).status()).isEqualTo(405);
        assertThat(node.client.admin("GET", "/admin/v1/nothing", null).status()).isEqualTo(404);
    }

    static String xgbRequest() {
        return "{\"inputs\":[{\"name\":\"X\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[6.75,2.69,6.47,1.1]}]}";
    }

    static JsonNode state() {
        return stateOf(node);
    }

    static JsonNode stateOf(TestNode node) {
        NodeClient.Response r = node.client.admin("GET", "/admin/v1/state", null);
        assertThat(r.status()).isEqualTo(200);
        return r.body();
    }

    static JsonNode service(JsonNode state, String name) {
        return StreamSupport.stream(state.path("services").spliterator(), false)
                .filter(s -> s.path("service").asString().equals(name)).findFirst().orElseThrow();
    }

    static List<Integer> versions(JsonNode service) {
        return StreamSupport.stream(service.path("versions").spliterator(), false)
                .map(v -> v.path("version").asInt()).toList();
    }
}
