package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.scoring.PipelinedClient.Request;
import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Dynamic batching: requests read in one event-loop iteration (here: pipelined on one connection,
 * so they arrive together for certain) share one ONNX Runtime run, and each still gets exactly the
 * answer it gets alone, in order, with its own error when it is the bad one.
 */
class DynamicBatchingTest extends OneNodeTest {

    private static final int BURST = 12;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.rtml.testing.ReferenceModels#servable")
    void mergedRequestsAnswerExactlyAsAlone(ReferenceModel model) throws Exception {
        String service = "batch-" + model.name().replace('_', '-');
        node.deploy(artifacts, service, 1, model, null);
        String path = "/v2/models/" + service + "/infer";
        JsonNode alone = NodeClient.JSON.readTree(node.client.post(path, request(model, "alone")).raw());

        List<Request> burst = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            burst.add(Request.post(path, request(model, "r" + i)));
        }
        List<PipelinedClient.Response> responses;
        try (PipelinedClient client = new PipelinedClient(node.node.port())) {
            responses = client.send(burst);
        }

        for (int i = 0; i < BURST; i++) {
            PipelinedClient.Response r = responses.get(i);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.modelVersion()).isEqualTo("1");
            ObjectNode body = (ObjectNode) NodeClient.JSON.readTree(r.body());
            assertThat(body.path("id").asString()).isEqualTo("r" + i); // in the order sent
            body.put("id", "alone");
            assertThat(body).as("response %d equals the unbatched one", i).isEqualTo(alone);
        }
        JsonNode version = versionState(service, 1);
        System.out.printf("%s: batching %s%n", model.name(), version.path("batching").asBoolean());
        if (version.path("batching").asBoolean()) {
            assertThat(version.path("runs").asLong()).as("runs for %s", version)
                    .isLessThan(version.path("predictions").asLong());
        } else {
            assertThat(version.path("runs").asLong()).isEqualTo(version.path("predictions").asLong());
        }
    }

    @Test
    void theTabularModelsOfTheThroughputGoalAreBatched() {
        // Row independence is checked per model at load; these are the models the goal is about.
        for (String name : List.of("sklearn_rf_iris_zipmap", "xgboost_regressor")) {
            node.deploy(artifacts, "goal-" + name.replace('_', '-'), 1, model(name), null);
            assertThat(versionState("goal-" + name.replace('_', '-'), 1).path("batching").asBoolean()).as(name).isTrue();
        }
    }

    @Test
    void aBadRequestAmongMergedOnesGetsItsOwnErrorAndTheOrderHolds() throws Exception {
        ReferenceModel iris = model("sklearn_rf_iris_zipmap");
        node.deploy(artifacts, "isolation", 1, iris, List.of("sepal_length", "sepal_width", "petal_length", "petal_width"));
        String infer = "/v2/models/isolation/infer";
        String good = "{\"id\":\"%s\",\"inputs\":[{\"name\":\"float_input\",\"datatype\":\"FP32\",\"shape\":[1,4],"
                + "\"data\":[6.7,3.1,4.4,1.4]}]}";
        String record = "{\"records\":[{\"sepal_length\":6.7,\"sepal_width\":3.1,\"petal_length\":4.4,\"petal_width\":1.4}]}";
        JsonNode alone = NodeClient.JSON.readTree(node.client.post(infer, good.formatted("g")).raw());
        long runsBefore = versionState("isolation", 1).path("runs").asLong();

        List<PipelinedClient.Response> r;
        try (PipelinedClient client = new PipelinedClient(node.node.port())) {
            r = client.send(List.of(
                    Request.post(infer, good.formatted("g")),
                    Request.post(infer, "{\"inputs\": [{\"name\":"),                               // malformed JSON
                    Request.post(infer, good.formatted("g")),
                    Request.post(infer, good.formatted("g").replace("[1,4]", "[1,3]")),         // shape mismatch
                    Request.get("/v2/models/isolation/ready"),                                  // answered in order
                    Request.post("/v1/services/isolation/predict", record),                     // merges with OIP
                    Request.post("/v2/models/nope/infer", good.formatted("g")),                 // unknown service
                    Request.post(infer, good.formatted("g"))));
        }

        assertThat(r).extracting(PipelinedClient.Response::status).containsExactly(200, 400, 200, 400, 200, 200, 404, 200);
        for (int i : new int[] {0, 2, 7}) {
            assertThat(NodeClient.JSON.readTree(r.get(i).body())).isEqualTo(alone);
        }
        assertThat(r.get(1).body()).contains("malformed JSON");
        assertThat(r.get(3).body()).contains("shape [1, 3]");
        assertThat(r.get(4).body()).contains("\"ready\":true");
        assertThat(NodeClient.JSON.readTree(r.get(5).body()).path("predictions").get(0).path("output_label").asLong())
                .isEqualTo(alone.path("outputs").get(0).path("data").get(0).asLong());
        // four OIP requests and one records request, all valid, in fewer runs than requests
        assertThat(versionState("isolation", 1).path("runs").asLong() - runsBefore).isLessThan(5);
    }

    @Test
    void aMergedRunThatOnnxRuntimeRejectsIsRedoneRequestByRequest() throws Exception {
        // Token ids beyond the vocabulary pass every check of the node; only the embedding lookup fails.
        node.deploy(artifacts, "bert", 1, model("tiny_bert_pytorch"), null);
        String infer = "/v2/models/bert/infer";
        String row = "{\"inputs\":[{\"name\":\"input_ids\",\"datatype\":\"INT64\",\"shape\":[1,4],\"data\":[101,%d,1473,102]},"
                + "{\"name\":\"attention_mask\",\"datatype\":\"INT64\",\"shape\":[1,4],\"data\":[1,1,1,1]},"
                + "{\"name\":\"token_type_ids\",\"datatype\":\"INT64\",\"shape\":[1,4],\"data\":[0,0,0,0]}]}";
        String good = row.formatted(1257);
        JsonNode alone = NodeClient.JSON.readTree(node.client.post(infer, good).raw());
        assertThat(versionState("bert", 1).path("batching").asBoolean()).isTrue();

        List<PipelinedClient.Response> r;
        try (PipelinedClient client = new PipelinedClient(node.node.port())) {
            r = client.send(List.of(Request.post(infer, good), Request.post(infer, row.formatted(99_999_999)),
                    Request.post(infer, good)));
        }

        assertThat(r).extracting(PipelinedClient.Response::status).containsExactly(200, 400, 200);
        assertThat(r.get(1).body()).contains("the model rejected the input");
        assertThat(r.get(1).modelVersion()).isEqualTo("1");
        assertThat(NodeClient.JSON.readTree(r.get(0).body())).isEqualTo(alone);
        assertThat(NodeClient.JSON.readTree(r.get(2).body())).isEqualTo(alone);
    }

    @Test
    void mergedRequestsFinishOnTheVersionTheyStartedOnWhileVersionsSwap() throws Exception {
        ReferenceModel iris = model("sklearn_rf_iris_zipmap");
        node.deploy(artifacts, "swap-batch", 1, iris, null);
        node.deploy(artifacts, "swap-batch", 2, iris, null);
        String body = NodeClient.JSON.writeValueAsString(Map.of("inputs", iris.reference().path("inputs")));
        List<Request> burst = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            burst.add(Request.post("/v2/models/swap-batch/infer", body));
        }
        AtomicBoolean running = new AtomicBoolean(true);
        Set<String> versions = ConcurrentHashMap.newKeySet();
        List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            Thread t = new Thread(() -> {
                try (PipelinedClient client = new PipelinedClient(node.node.port())) {
                    while (running.get()) {
                        for (PipelinedClient.Response r : client.send(burst)) {
                            String inBody = NodeClient.JSON.readTree(r.body()).path("model_version").asString();
                            if (r.status() != 200 || !inBody.equals(r.modelVersion())) {
                                problems.add(r.status() + " header " + r.modelVersion() + " " + r.body());
                            }
                            versions.add(r.modelVersion());
                        }
                    }
                } catch (Exception e) {
                    problems.add(e.toString());
                }
            });
            t.start();
            clients.add(t);
        }
        for (int i = 0; i < 50; i++) {
            assertThat(node.activate("swap-batch", i % 2 == 0 ? 1 : 2).status()).isEqualTo(200);
            Thread.sleep(10);
        }
        running.set(false);
        for (Thread t : clients) {
            t.join(30_000);
        }

        assertThat(problems).isEmpty();
        assertThat(versions).containsExactlyInAnyOrder("1", "2");
        for (int v : new int[] {1, 2}) {
            JsonNode state = versionState("swap-batch", v);
            assertThat(state.path("runs").asLong()).as("version %d merged requests: %s", v, state)
                    .isLessThan(state.path("predictions").asLong());
        }
    }

    private static String request(ReferenceModel model, String id) {
        return NodeClient.JSON.writeValueAsString(Map.of("id", id, "inputs", model.reference().path("inputs")));
    }

    private static ReferenceModel model(String name) {
        return ReferenceModels.named(name);
    }

    private static JsonNode versionState(String service, int version) {
        NodeClient.Response state = node.client.admin("GET", "/admin/v1/state", null);
        for (JsonNode s : state.body().path("services")) {
            if (s.path("service").asString().equals(service)) {
                for (JsonNode v : s.path("versions")) {
                    if (v.path("version").asInt() == version) {
                        return v;
                    }
                }
            }
        }
        throw new AssertionError("no version " + version + " of " + service + " in " + state.raw());
    }
}
