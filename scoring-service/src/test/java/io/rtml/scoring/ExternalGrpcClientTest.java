package io.rtml.scoring;

import static io.rtml.scoring.ReferenceAssertions.assertOipOutput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rtml.testing.ReferenceModels.ReferenceModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * A gRPC client nobody here wrote: Node.js with {@code @grpc/grpc-js} and {@code @grpc/proto-loader}
 * (src/test/node/oip-client.js, which only encodes and decodes the protocol's raw contents) calls
 * every servable reference model and must get the reference outputs. Runs where {@code node} is
 * on the PATH and {@code npm ci} was run in src/test/node (not part of the build: the npm
 * registry is not a build dependency); skipped otherwise, unless {@code RTML_REQUIRE_NODE_CLIENT=1}
 * (set by .ci/run, which installs the client), which makes a missing client a failure.
 */
@OneNodeTest.NodeSettings({"rtml.scoring.grpc-port=0", "rtml.scoring.api-keys=*=node-key"})
class ExternalGrpcClientTest extends OneNodeTest {

    private static final Path CLIENT = Path.of("src/test/node");
    private static final Path PROTO = Path.of("src/main/proto/grpc_predict_v2.proto");

    @BeforeAll
    static void clientIsInstalled() {
        String missing = !runs("node", "--version") ? "node is not on the PATH"
                : !Files.isDirectory(CLIENT.resolve("node_modules/@grpc/grpc-js"))
                        ? "run 'npm ci' in scoring-service/src/test/node for this check" : null;
        // CI sets it, so that a missing client fails the build instead of silently skipping the check.
        if (missing != null && "1".equals(System.getenv("RTML_REQUIRE_NODE_CLIENT"))) {
            throw new IllegalStateException("RTML_REQUIRE_NODE_CLIENT=1 but " + missing);
        }
        assumeTrue(missing == null, missing);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.rtml.testing.ReferenceModels#servable")
    void grpcJsGetsTheReferenceOutputs(ReferenceModel model) throws Exception {
        String service = "ext-" + model.name().replace('_', '-');
        node.deploy(artifacts, service, 1, model, null);

        JsonNode result = call(service, model, "node-key");

        assertThat(result.has("error")).as(result.toString()).isFalse();
        assertThat(result.path("live").asBoolean()).isTrue();
        assertThat(result.path("platform").asString()).isEqualTo("onnxruntime_onnx");
        assertThat(result.path("model_version").asString()).isEqualTo("1");
        assertThat(result.path("trailer_version").asString()).isEqualTo("1");
        assertThat(result.path("id").asString()).isEqualTo("node-client");
        List<JsonNode> outputs = new ArrayList<>();
        result.path("outputs").forEach(outputs::add);
        for (JsonNode expected : model.reference().path("outputs")) {
            assertOipOutput(OipMessages.named(outputs, expected.path("name").asString()), expected, model.reference());
        }
    }

    @Test
    void withoutTheKeyItIsUnauthenticated() throws Exception {
        ReferenceModel iris = io.rtml.testing.ReferenceModels.named("sklearn_rf_iris_zipmap");
        node.deploy(artifacts, "ext-keyless", 1, iris, null);
        JsonNode result = call("ext-keyless", iris, null);
        assertThat(result.path("error").path("code").asInt()).isEqualTo(16); // UNAUTHENTICATED
        assertThat(result.path("error").path("details").asString()).contains("needs an API key");
    }

    private static JsonNode call(String service, ReferenceModel model, String key) throws IOException,
            InterruptedException {
        Path request = Files.createTempFile("oip-request", ".json");
        try {
            Files.writeString(request, NodeClient.JSON.writeValueAsString(Map.of("inputs",
                    model.reference().path("inputs"))));
            List<String> command = new ArrayList<>(List.of("node", CLIENT.resolve("oip-client.js").toString(),
                    "127.0.0.1:" + node.node.grpcPort(), PROTO.toString(), service, request.toString()));
            if (key != null) {
                command.add(key);
            }
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            return NodeClient.JSON.readTree(out.lines().reduce((a, b) -> b).orElseThrow());
        } finally {
            Files.deleteIfExists(request);
        }
    }

    private static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
