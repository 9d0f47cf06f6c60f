package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.scoring.PipelinedClient.Request;
import io.rtml.scoring.PipelinedClient.Response;
import io.rtml.testing.ReferenceModels;
import io.rtml.testing.SlowModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A slow model (tens of milliseconds a run) next to a fast one on a node with one event loop: the
 * slow one runs on the model executor, so the fast one still answers at once, replies keep the
 * order of a connection's requests, and a full executor queue answers 503 with Retry-After. One
 * model thread and a queue of one make the queue easy to fill; two rows a merged run make a
 * pipelined burst of the slow model several runs.
 */
@OneNodeTest.NodeSettings({"rtml.scoring.io-threads=1", "rtml.scoring.model-threads=1", "rtml.scoring.model-queue=1",
        "rtml.scoring.max-batch-rows=2"})
class SlowModelTest extends OneNodeTest {

    static final String SLOW = "/v2/models/slow/infer";
    static final String FAST = "/v2/models/iris/infer";
    private static final String IRIS_ROW = "{\"id\":\"%s\",\"inputs\":[{\"name\":\"float_input\",\"datatype\":\"FP32\","
            + "\"shape\":[1,4],\"data\":[6.7,3.1,4.4,1.4]}]}";

    @BeforeAll
    static void deploySlowAndFast() {
        // 48 products of 512×512 matrices: 0.2–0.45 s a run on the shared 2-core build machine, long
        // enough that an iris request stuck behind a run stands out from scheduling noise at load 20
        byte[] slow = SlowModel.bytes(512, 48);
        String url = artifacts.put("slow.onnx", slow);
        assertThat(node.stage("slow", 1, url, SlowModel.sha256(slow), slow.length, null).status()).isEqualTo(200);
        assertThat(node.activate("slow", 1).status()).isEqualTo(200);
        node.deploy(artifacts, "iris", 1, ReferenceModels.named("sklearn_rf_iris_zipmap"), null);
    }

    /** Whether this node merges requests (the subclass runs the same scenarios with batching off). */
    boolean batching() {
        return true;
    }

    static String slowRow(String id, float x) {
        return "{\"id\":\"" + id + "\",\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,1],\"data\":["
                + x + "]}]}";
    }

    @Test
    void aFastServiceAnswersAtOnceWhileTheSlowModelKeepsTheNodeBusy() throws Exception {
        long slowAlone;
        long fastAlone;
        try (PipelinedClient client = new PipelinedClient(node.node.port())) {
            slowAlone = medianNanos(client, Request.post(SLOW, slowRow("alone", 1)), 3);
            fastAlone = medianNanos(client, Request.post(FAST, IRIS_ROW.formatted("alone")), 20);
        }

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> load = new ArrayList<>();
        for (int c = 0; c < 2; c++) { // one run at work, one queued: busy without end
            Thread t = new Thread(() -> {
                try (PipelinedClient client = new PipelinedClient(node.node.port())) {
                    while (running.get()) {
                        Response r = client.send(List.of(Request.post(SLOW, slowRow("load", 2)))).get(0);
                        if (r.status() == 200) {
                            answered.incrementAndGet();
                        } else if (r.status() == 503) {
                            LockSupport.parkNanos(5_000_000); // the queue is full: pace the retries
                        } else {
                            problems.add(r.status() + " " + r.body());
                        }
                    }
                } catch (Exception e) {
                    problems.add(e.toString());
                }
            }, "slow-load-" + c);
            t.start();
            load.add(t);
        }
        long fastBusy;
        try (PipelinedClient client = new PipelinedClient(node.node.port())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() >= 2);
            fastBusy = medianNanos(client, Request.post(FAST, IRIS_ROW.formatted("busy")), 30);
        } finally {
            running.set(false);
            for (Thread t : load) {
                t.join(30_000);
            }
        }

        System.out.printf("slow model alone %.1f ms; iris alone %.2f ms, while the slow model is busy %.2f ms%n",
                slowAlone / 1e6, fastAlone / 1e6, fastBusy / 1e6);
        assertThat(problems).isEmpty();
        // On the event loop the fast request would wait for a slow run; off it, it waits for none.
        assertThat(fastBusy).as("iris median while busy vs the slow model's run").isLessThan(slowAlone / 10);
    }

    @Test
    void pipelinedRepliesComeInTheOrderOfTheRequestsWhenSlowAndFastMix() throws Exception {
        long runsBefore = slowVersion().path("runs").asLong();
        long predictionsBefore = slowVersion().path("predictions").asLong();
        List<Response> r;
        try (PipelinedClient client = new PipelinedClient(node.node.port())) {
            r = client.send(List.of(
                    Request.post(SLOW, slowRow("s0", 5)),
                    Request.post(FAST, IRIS_ROW.formatted("f0")),
                    Request.post(SLOW, slowRow("s1", 7)),
                    Request.get("/v2/models/iris/ready"),
                    Request.post(FAST, IRIS_ROW.formatted("f1")),
                    Request.post(SLOW, "{\"inputs\": ["),
                    Request.post(FAST, IRIS_ROW.formatted("f2"))));
        }

        assertThat(r).extracting(Response::status).containsExactly(200, 200, 200, 200, 200, 400, 200);
        assertThat(r).extracting(Response::modelVersion).containsExactly("1", "1", "1", null, "1", "1", "1");
        assertThat(ids(r)).containsExactly("s0", "f0", "s1", "", "f1", "", "f2");
        assertThat(json(r.get(0)).path("outputs").get(0).path("data").get(0).asDouble()).isEqualTo(5.0);
        assertThat(json(r.get(2)).path("outputs").get(0).path("data").get(0).asDouble()).isEqualTo(7.0);
        assertThat(r.get(5).body()).contains("malformed JSON");
        long runs = slowVersion().path("runs").asLong() - runsBefore;
        assertThat(slowVersion().path("predictions").asLong() - predictionsBefore).isEqualTo(2);
        // Dynamic batching works off the loop too: the two slow requests share one run.
        assertThat(runs).isEqualTo(batching() ? 1 : 2);
    }

    @Test
    void aFullQueueIsAnswered503WithRetryAfterAndTheNodePredictsCorrectlyAfterwards() throws Exception {
        List<Request> burst = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            burst.add(Request.post(SLOW, slowRow("b" + i, i)));
        }
        burst.add(Request.post(FAST, IRIS_ROW.formatted("fast"))); // inline: never queued, never refused
        List<Response> r;
        try (PipelinedClient client = new PipelinedClient(node.node.port())) {
            r = client.send(burst);
        }

        int busy = 0;
        for (int i = 0; i < 8; i++) {
            Response response = r.get(i);
            if (response.status() == 503) {
                busy++;
                assertThat(response.retryAfter()).isEqualTo("1");
                assertThat(response.modelVersion()).isEqualTo("1");
                assertThat(json(response).path("error").asString()).contains("busy");
            } else {
                assertThat(response.status()).as(response.body()).isEqualTo(200);
                assertThat(json(response).path("id").asString()).isEqualTo("b" + i);
                assertThat(json(response).path("outputs").get(0).path("data").get(0).asDouble()).isEqualTo(i);
            }
        }
        // one run at work and one queued take at most 2 × 2 rows; the rest of the burst is refused
        assertThat(busy).isGreaterThanOrEqualTo(4);
        assertThat(r.get(8).status()).isEqualTo(200);
        assertThat(json(r.get(8)).path("id").asString()).isEqualTo("fast");

        NodeClient.Response after = node.client.post(SLOW, slowRow("after", 3));
        assertThat(after.status()).as(after.raw()).isEqualTo(200);
        assertThat(after.body().path("outputs").get(0).path("data").get(0).asDouble()).isEqualTo(3.0);
    }

    private static long medianNanos(PipelinedClient client, Request request, int times) throws Exception {
        long[] nanos = new long[times];
        for (int i = 0; i < times; i++) {
            long start = System.nanoTime();
            Response r = client.send(List.of(request)).get(0);
            nanos[i] = System.nanoTime() - start;
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
        java.util.Arrays.sort(nanos);
        return nanos[times / 2];
    }

    private static List<String> ids(List<Response> responses) {
        return responses.stream().map(r -> json(r).path("id").asString("")).toList();
    }

    private static JsonNode json(Response r) {
        return NodeClient.JSON.readTree(r.body());
    }

    private static JsonNode slowVersion() {
        NodeClient.Response state = node.client.admin("GET", "/admin/v1/state", null);
        for (JsonNode s : state.body().path("services")) {
            if (s.path("service").asString().equals("slow")) {
                return s.path("versions").get(0);
            }
        }
        throw new AssertionError("no service 'slow' in " + state.raw());
    }
}
