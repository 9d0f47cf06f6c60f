package io.rtml.registry.version;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.registry.RegistryApiTest;
import io.rtml.testing.ReferenceModels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ConcurrentUploadTest extends RegistryApiTest {

    @Test
    void twentyParallelUploadsGetVersionsOneToTwentyExactly() {
        String model = uniqueName("race");
        api().postJson("/api/v1/models", Map.of("name", model));
        byte[] bytes = ReferenceModels.bundled("xgboost_regressor").readBytes();
        // One token per upload: a token may have only rtml.api.clients.uploads-per-token uploads in flight.
        List<String> tokens = IntStream.range(0, 20).mapToObj(i -> api().postJson("/api/v1/tokens",
                Map.of("name", uniqueName("racer"), "roles", List.of("publisher"))).json().path("secret").asString()).toList();

        List<Integer> versions;
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<CompletableFuture<Integer>> uploads = IntStream.range(0, 20)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                        var response = api(tokens.get(i)).uploadRaw("/api/v1/models/" + model + "/versions", bytes);
                        assertThat(response.status()).as(response.text()).isEqualTo(201);
                        return response.json().path("version").asInt();
                    }, pool))
                    .toList();
            versions = new ArrayList<>(uploads.stream().map(CompletableFuture::join).toList());
        } finally {
            pool.shutdownNow();
        }

        assertThat(versions).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 20).boxed().toList());
        assertThat(jdbc.queryForList("select v.version from model_version v join registered_model m on m.id = v.model_id"
                + " where m.name = ? order by v.version", Integer.class, model))
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 20).boxed().toList());
    }
}
