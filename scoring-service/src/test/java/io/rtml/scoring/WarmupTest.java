package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.rtml.testing.WarmupHostileModels;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Models whose graph refuses the warm-up's zeros (a reflect Pad that needs two elements, a sample
 * rate that must be 8000 or 16000) still stage and serve real inputs: the failed warm-up is
 * recorded and switches batching off. With an example request the warm-up and the batching probe
 * feed it instead, and succeed.
 */
class WarmupTest {

    static final Map<String, Object> PAD_EXAMPLE = Map.of("inputs", List.of(Map.of("name", "x", "datatype", "FP32",
            "shape", List.of(2, 4), "data", List.of(1, 2, 3, 4, 5, 6, 7, 8))));
    static final Map<String, Object> RATE_EXAMPLE = Map.of("inputs", List.of(
            Map.of("name", "audio", "datatype", "FP32", "shape", List.of(1, 2), "data", List.of(0.5, 1.0)),
            Map.of("name", "sample_rate", "datatype", "INT64", "shape", List.of(), "data", List.of(16000))));
    static final String PAD_INFER = """
            {"inputs":[{"name":"x","datatype":"FP32","shape":[1,4],"data":[1,2,3,4]}]}""";
    static final String RATE_INFER = """
            {"inputs":[{"name":"audio","datatype":"FP32","shape":[1,2],"data":[0.5,1.0]},
                       {"name":"sample_rate","datatype":"INT64","shape":[],"data":[%d]}]}""";

    @TempDir
    Path dataDir;

    private ArtifactServer artifacts;
    private TestNode node;
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger warmupLog = (Logger) LoggerFactory.getLogger("io.rtml.scoring.runtime.Warmup");

    @BeforeEach
    void start() {
        artifacts = new ArtifactServer();
        node = TestNode.start(dataDir);
        lines.start();
        warmupLog.addAppender(lines);
    }

    @AfterEach
    void stop() {
        warmupLog.detachAppender(lines);
        node.close();
        artifacts.close();
    }

    @Test
    void aReflectPadThatRefusesLengthOneStagesWithItsWarmupFailureRecordedAndPredicts() {
        NodeClient.Response staged = stage("pad", 1, WarmupHostileModels.reflectPad(), null);
        assertThat(staged.status()).as(staged.raw()).isEqualTo(200);
        assertThat(staged.body().path("warmup").path("status").asString()).isEqualTo("FAILED");
        assertThat(staged.body().path("warmup").path("input").asString()).isEqualTo("zeros");
        assertThat(node.activate("pad", 1).status()).isEqualTo(200);

        JsonNode version = versionState("pad");
        assertThat(version.path("warmup").path("status").asString()).isEqualTo("FAILED");
        assertThat(version.path("warmup").path("error").asString()).isNotBlank();
        assertThat(version.path("batching").asBoolean()).isFalse();
        assertThat(lines.list).anySatisfy(line -> {
            assertThat(line.getLevel()).isEqualTo(Level.WARN);
            assertThat(line.getFormattedMessage()).contains("service=pad version=1 warm-up with zeros failed");
        });

        NodeClient.Response predicted = node.client.post("/v2/models/pad/infer", PAD_INFER);
        assertThat(predicted.status()).as(predicted.raw()).isEqualTo(200);
        assertThat(floats(predicted)).containsExactly(2f, 1f, 2f, 3f, 4f, 3f);
    }

    @Test
    void aSampleRateThatMustBe8000Or16000StagesWithItsWarmupFailureRecordedAndPredicts() {
        NodeClient.Response staged = stage("rate", 1, WarmupHostileModels.sampleRate(), null);
        assertThat(staged.status()).as(staged.raw()).isEqualTo(200);
        assertThat(staged.body().path("warmup").path("status").asString()).isEqualTo("FAILED");
        assertThat(node.activate("rate", 1).status()).isEqualTo(200);
        assertThat(versionState("rate").path("batching").asBoolean()).isFalse();

        assertThat(floats(node.client.post("/v2/models/rate/infer", RATE_INFER.formatted(16000))))
                .containsExactly(0.25f, 0.5f);
        assertThat(floats(node.client.post("/v2/models/rate/infer", RATE_INFER.formatted(8000))))
                .containsExactly(0.5f, 1.0f);
        NodeClient.Response refused = node.client.post("/v2/models/rate/infer", RATE_INFER.formatted(1));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.error()).startsWith("the model rejected the input");
    }

    @Test
    void withAnExampleTheWarmupFeedsItSucceedsAndTheBatchingProbeUsesIt() {
        NodeClient.Response staged = stage("pad", 1, WarmupHostileModels.reflectPad(), PAD_EXAMPLE);
        assertThat(staged.status()).as(staged.raw()).isEqualTo(200);
        JsonNode warmup = staged.body().path("warmup");
        assertThat(warmup.path("status").asString()).isEqualTo("OK");
        assertThat(warmup.path("input").asString()).isEqualTo("example");
        assertThat(warmup.path("runMicros").asLong()).isPositive();
        assertThat(warmup.path("error").isNull() || warmup.path("error").isMissingNode()).isTrue();
        assertThat(node.activate("pad", 1).status()).isEqualTo(200);
        // The probe ran the example's two rows alone and merged: rows of a Pad are independent.
        assertThat(versionState("pad").path("batching").asBoolean()).isTrue();
        assertThat(floats(node.client.post("/v2/models/pad/infer", PAD_INFER))).containsExactly(2f, 1f, 2f, 3f, 4f, 3f);

        NodeClient.Response rate = stage("rate", 1, WarmupHostileModels.sampleRate(), RATE_EXAMPLE);
        assertThat(rate.body().path("warmup").path("status").asString()).isEqualTo("OK");
        assertThat(lines.list).noneMatch(line -> line.getLevel() == Level.WARN);
    }

    @Test
    void theExampleSurvivesARestart() {
        stage("pad", 1, WarmupHostileModels.reflectPad(), PAD_EXAMPLE);
        node.activate("pad", 1);
        node.close();
        node = TestNode.start(dataDir);
        JsonNode version = versionState("pad");
        assertThat(version.path("warmup").path("status").asString()).isEqualTo("OK");
        assertThat(version.path("warmup").path("input").asString()).isEqualTo("example");
        assertThat(version.path("batching").asBoolean()).isTrue();
    }

    @Test
    void anExampleThatDoesNotFitIsRecordedAsTheWarmupFailureAndAMalformedOneIsABadRequest() {
        Map<String, Object> wrongName = Map.of("inputs", List.of(Map.of("name", "nope", "datatype", "FP32",
                "shape", List.of(1, 2), "data", List.of(1, 2))));
        NodeClient.Response staged = stage("pad", 1, WarmupHostileModels.reflectPad(), wrongName);
        assertThat(staged.status()).isEqualTo(200);
        assertThat(staged.body().path("warmup").path("error").asString()).contains("'nope'");

        NodeClient.Response malformed = stage("pad", 2, WarmupHostileModels.reflectPad(), Map.of("inputs", "x"));
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.error()).startsWith("'example': ");
    }

    private NodeClient.Response stage(String service, int version, byte[] model, Map<String, Object> example) {
        String url = artifacts.put(service + "-" + version + ".onnx", model);
        Map<String, Object> body = new HashMap<>();
        body.put("service", service);
        body.put("version", version);
        body.put("artifactUrl", url);
        body.put("sha256", sha256(model));
        body.put("sizeBytes", model.length);
        if (example != null) {
            body.put("example", example);
        }
        return node.client.admin("POST", "/admin/v1/stage", body);
    }

    private JsonNode versionState(String service) {
        for (JsonNode s : AdminApiTest.stateOf(node).path("services")) {
            if (s.path("service").asString().equals(service)) {
                return s.path("versions").get(0);
            }
        }
        throw new AssertionError("service " + service + " not in the node state");
    }

    private static List<Float> floats(NodeClient.Response r) {
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        JsonNode data = r.body().path("outputs").get(0).path("data");
        return JsonMapper.builder().build().convertValue(data, tools.jackson.databind.JsonNode.class).valueStream()
                .map(v -> (float) v.asDouble()).toList();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
