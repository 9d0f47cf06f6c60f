package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** A restarted node reloads what it served from its state file and artifact cache, with no download. */
class RestartTest {

    @TempDir
    Path dataDir;

    @Test
    void restartReloadsActiveAndStandbyWithoutDownloading() {
        ReferenceModel iris = ReferenceModels.named("sklearn_rf_iris_zipmap");
        ReferenceModel xgb = ReferenceModels.named("xgboost_regressor");
        try (ArtifactServer artifacts = new ArtifactServer()) {
            try (TestNode node = TestNode.start(dataDir)) {
                node.deploy(artifacts, "iris", 1, iris, null);
                node.deploy(artifacts, "xgb", 1, xgb, null);
                node.deploy(artifacts, "xgb", 2, xgb, null);
                assertThat(node.activate("xgb", 1).status()).isEqualTo(200);
            }
            assertThat(Files.exists(dataDir.resolve("state.json"))).isTrue();
            int downloads = artifacts.downloads();

            try (TestNode restarted = TestNode.start(dataDir)) {
                NodeClient.Response r = restarted.client.post("/v2/models/iris/infer", AdminApiTest.IRIS_INFER);
                assertThat(r.status()).as(r.raw()).isEqualTo(200);
                assertThat(r.modelVersion()).isEqualTo("1");
                assertThat(restarted.client.post("/v2/models/xgb/infer", AdminApiTest.xgbRequest()).modelVersion())
                        .isEqualTo("1");
                assertThat(restarted.activate("xgb", 2).status()).as("standby reloaded too").isEqualTo(200);
                assertThat(restarted.client.post("/v2/models/xgb/infer", AdminApiTest.xgbRequest()).modelVersion())
                        .isEqualTo("2");
            }
            assertThat(artifacts.downloads()).isEqualTo(downloads);
        }
    }

    @Test
    void aRemovedServiceStaysRemovedAfterARestart() {
        ReferenceModel xgb = ReferenceModels.named("xgboost_regressor");
        try (ArtifactServer artifacts = new ArtifactServer()) {
            try (TestNode node = TestNode.start(dataDir)) {
                node.deploy(artifacts, "gone", 1, xgb, null);
                node.deploy(artifacts, "kept", 1, xgb, null);
                assertThat(node.client.admin("POST", "/admin/v1/remove", java.util.Map.of("service", "gone")).status())
                        .isEqualTo(200);
            }
            try (TestNode restarted = TestNode.start(dataDir)) {
                assertThat(restarted.client.post("/v2/models/gone/infer", AdminApiTest.xgbRequest()).status())
                        .isEqualTo(404);
                assertThat(restarted.client.post("/v2/models/kept/infer", AdminApiTest.xgbRequest()).modelVersion())
                        .isEqualTo("1");
            }
        }
    }

    @Test
    void aCorruptStateFileStartsEmptyButReady() throws Exception {
        Files.writeString(dataDir.resolve("state.json"), "{ this is not json");
        try (TestNode node = TestNode.start(dataDir)) {
            assertThat(node.client.get("/v2/health/ready").status()).isEqualTo(200);
            assertThat(node.client.post("/v2/models/iris/infer", AdminApiTest.IRIS_INFER).status()).isEqualTo(404);
        }
    }

    @Test
    void aTrafficSplitSurvivesARestart() {
        ReferenceModel iris = ReferenceModels.named("sklearn_rf_iris_zipmap");
        try (ArtifactServer artifacts = new ArtifactServer()) {
            try (TestNode node = TestNode.start(dataDir)) {
                node.deploy(artifacts, "iris", 1, iris, null);
                String url = artifacts.put("iris-2.onnx", iris.readBytes());
                assertThat(node.stage("iris", 2, url, iris.sha256(), iris.bytes(), null).status()).isEqualTo(200);
                assertThat(node.client.admin("PUT", "/admin/v1/services/iris/traffic",
                        java.util.Map.of("candidate", 2, "percent", 100)).status()).isEqualTo(200);
            }
            try (TestNode restarted = TestNode.start(dataDir)) {
                JsonNode traffic = TrafficSplitTest.service(restarted.client.admin("GET", "/admin/v1/state", null).body(),
                        "iris").path("traffic");
                assertThat(traffic.path("candidate").asInt()).isEqualTo(2);
                assertThat(traffic.path("percent").asInt()).isEqualTo(100);
                assertThat(restarted.client.post("/v2/models/iris/infer", AdminApiTest.IRIS_INFER).modelVersion())
                        .isEqualTo("2");
            }
        }
    }

    @Test
    void aShadowSurvivesARestart() {
        ReferenceModel iris = ReferenceModels.named("sklearn_rf_iris_zipmap");
        try (ArtifactServer artifacts = new ArtifactServer()) {
            try (TestNode node = TestNode.start(dataDir)) {
                node.deploy(artifacts, "iris", 1, iris, null);
                String url = artifacts.put("iris-2.onnx", iris.readBytes());
                assertThat(node.stage("iris", 2, url, iris.sha256(), iris.bytes(), null).status()).isEqualTo(200);
                assertThat(node.client.admin("PUT", "/admin/v1/services/iris/shadow",
                        java.util.Map.of("candidate", 2, "percent", 30, "tolerance", 0.01)).status()).isEqualTo(200);
            }
            try (TestNode restarted = TestNode.start(dataDir)) {
                JsonNode shadow = TrafficSplitTest.service(restarted.client.admin("GET", "/admin/v1/state", null).body(),
                        "iris").path("shadow");
                assertThat(shadow.path("candidate").asInt()).isEqualTo(2);
                assertThat(shadow.path("percent").asInt()).isEqualTo(30);
                assertThat(shadow.path("tolerance").asDouble()).isEqualTo(0.01);
                assertThat(restarted.client.post("/v2/models/iris/infer", AdminApiTest.IRIS_INFER).modelVersion())
                        .as("a shadow never serves").isEqualTo("1");
            }
            try (TestNode again = TestNode.start(dataDir)) {
                assertThat(again.client.admin("DELETE", "/admin/v1/services/iris/shadow", null).status()).isEqualTo(200);
            }
            try (TestNode cleared = TestNode.start(dataDir)) {
                assertThat(TrafficSplitTest.service(cleared.client.admin("GET", "/admin/v1/state", null).body(), "iris")
                        .path("shadow").isNull()).as("a cleared shadow stays cleared").isTrue();
            }
        }
    }
}
