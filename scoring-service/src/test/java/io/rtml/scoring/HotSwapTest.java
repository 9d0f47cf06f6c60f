package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clients predict without pause while two versions are activated back and forth: nothing fails. */
class HotSwapTest {

    @TempDir
    Path dataDir;

    @Test
    void requestsNeverFailWhileVersionsSwap() throws Exception {
        ReferenceModel iris = ReferenceModels.named("sklearn_rf_iris_zipmap");
        try (ArtifactServer artifacts = new ArtifactServer(); TestNode node = TestNode.start(dataDir)) {
            node.deploy(artifacts, "swap", 1, iris, null);
            node.deploy(artifacts, "swap", 2, iris, null);
            String oip = NodeClient.JSON.writeValueAsString(Map.of("inputs", iris.reference().path("inputs")));
            String records = "{\"records\":[{\"float_input\":[5.1,3.5,1.4,0.2]}]}";

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong served = new AtomicLong();
            AtomicInteger failures = new AtomicInteger();
            Set<String> versions = ConcurrentHashMap.newKeySet();
            List<String> problems = new ArrayList<>();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                boolean useRecords = c % 2 == 1;
                NodeClient client = new NodeClient(node.node.port(), null);
                Thread t = new Thread(() -> {
                    while (running.get()) {
                        NodeClient.Response r = useRecords ? client.post("/v1/services/swap/predict", records)
                                : client.post("/v2/models/swap/infer", oip);
                        if (r.status() != 200) {
                            failures.incrementAndGet();
                            synchronized (problems) {
                                problems.add(r.status() + " " + r.raw());
                            }
                        }
                        versions.add(String.valueOf(r.modelVersion()));
                        served.incrementAndGet();
                    }
                });
                t.start();
                clients.add(t);
            }
            for (int i = 0; i < 50; i++) {
                long before = served.get();
                assertThat(node.activate("swap", i % 2 == 0 ? 1 : 2).status()).isEqualTo(200);
                // let some requests run on each version before the next swap
                await().atMost(Duration.ofSeconds(10)).until(() -> served.get() >= before + 8);
            }
            running.set(false);
            for (Thread t : clients) {
                t.join(10_000);
            }

            assertThat(problems).isEmpty();
            assertThat(failures.get()).isZero();
            assertThat(served.get()).isGreaterThan(400);
            assertThat(versions).containsExactlyInAnyOrder("1", "2");
        }
    }
}
