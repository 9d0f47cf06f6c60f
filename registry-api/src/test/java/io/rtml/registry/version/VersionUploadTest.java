package io.rtml.registry.version;

import static io.rtml.registry.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.registry.ApiClient;
import io.rtml.registry.RegistryApiTest;
import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class VersionUploadTest extends RegistryApiTest {

    private static final ReferenceModel TITANIC = ReferenceModels.bundled("sklearn_titanic_pipeline");
    private static final ReferenceModel IRIS = ReferenceModels.bundled("sklearn_rf_iris_zipmap");

    private ApiClient api;
    private String model;

    @BeforeEach
    void createModel() {
        api = api();
        model = uniqueName("titanic");
        assertThat(api.postJson("/api/v1/models", Map.of("name", model)).status()).isEqualTo(201);
    }

    @Test
    void rawUploadRecordsHashSizeAndSignature() {
        var response = api.uploadRaw("/api/v1/models/" + model + "/versions?description=first&tag=stage:test",
                TITANIC.readBytes(), "Content-SHA256", TITANIC.sha256());

        assertThat(response.status()).as(response.text()).isEqualTo(201);
        assertThat(response.header("Location")).isEqualTo("/api/v1/models/" + model + "/versions/1");
        JsonNode version = response.json();
        assertThat(version.path("version").asInt()).isEqualTo(1);
        assertThat(version.path("sha256").asString()).isEqualTo(TITANIC.sha256());
        assertThat(version.path("sizeBytes").asLong()).isEqualTo(TITANIC.bytes());
        assertThat(version.path("description").asString()).isEqualTo("first");
        assertThat(version.path("tags").path("stage").asString()).isEqualTo("test");
        JsonNode signature = version.path("signature");
        assertThat(signature.path("inputs").get(0).path("name").asString()).isEqualTo("pclass");
        assertThat(signature.path("inputs").get(0).path("datatype").asString()).isEqualTo("BYTES");
        assertThat(signature.path("outputs").get(1).path("onnxType").asString()).isEqualTo("seq(map(int64,tensor(float)))");
        assertThat(signature.path("producerName").asString()).isEqualTo("skl2onnx");

        assertThat(api.get("/api/v1/models/" + model + "/versions/1").json().path("signature")).isEqualTo(signature);
        assertThat(api.get("/api/v1/models/" + model).json().path("latestVersion").asInt()).isEqualTo(1);
    }

    @Test
    void multipartUploadWorksAndIdenticalBytesAreStoredOnce() {
        var first = api.uploadMultipart("/api/v1/models/" + model + "/versions", IRIS.readBytes(), "from a form");
        assertThat(first.status()).as(first.text()).isEqualTo(201);
        long objects = storedObjects();

        var second = api.uploadMultipart("/api/v1/models/" + model + "/versions", IRIS.readBytes(), null);
        assertThat(second.status()).isEqualTo(201);
        assertThat(second.json().path("version").asInt()).isEqualTo(2);
        assertThat(second.json().path("sha256").asString()).isEqualTo(IRIS.sha256());
        assertThat(storedObjects()).as("content addressed: same bytes, same object").isEqualTo(objects);
        assertThat(first.json().path("description").asString()).isEqualTo("from a form");
    }

    @Test
    void downloadsTheArtifactWithItsHashAsETag() {
        api.uploadRaw("/api/v1/models/" + model + "/versions", TITANIC.readBytes());

        var download = api.get("/api/v1/models/" + model + "/versions/1/artifact");
        assertThat(download.status()).isEqualTo(200);
        assertThat(download.raw().body()).isEqualTo(TITANIC.readBytes());
        assertThat(download.header("ETag")).isEqualTo("\"" + TITANIC.sha256() + "\"");
        assertThat(download.header("Content-Length")).isEqualTo(String.valueOf(TITANIC.bytes()));
        assertThat(download.header("Content-Disposition")).contains(model + "-v1.onnx");

        var cached = api.withHeader("If-None-Match", "\"" + TITANIC.sha256() + "\"")
                .get("/api/v1/models/" + model + "/versions/1/artifact");
        assertThat(cached.status()).isEqualTo(304);
    }

    @Test
    void aChecksumMismatchKeepsNothing() {
        long rows = versionRows();
        long objects = storedObjects();
        String wrong = "0".repeat(64);

        var response = api.uploadRaw("/api/v1/models/" + model + "/versions", TITANIC.readBytes(), "X-Checksum-Sha256", wrong);

        assertProblem(response, 422, "CHECKSUM_MISMATCH");
        assertThat(versionRows()).isEqualTo(rows);
        // Its PUT, started under the declared key while the body arrived, was abandoned; the S3 server
        // drops the partial file when it notices.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(storedObjects()).isEqualTo(objects));
        assertThat(api.get("/api/v1/models/" + model).json().path("latestVersion").asInt()).isZero();
        assertProblem(api.uploadRaw("/api/v1/models/" + model + "/versions", TITANIC.readBytes(), "Content-SHA256", "xyz"),
                400, "VALIDATION_FAILED");
    }

    @Test
    void aChecksumMismatchNamingAStoredArtifactLeavesThatArtifactAlone() {
        assertThat(api.uploadRaw("/api/v1/models/" + model + "/versions", TITANIC.readBytes()).status()).isEqualTo(201);
        long objects = storedObjects();

        // Other bytes that claim to be the stored ones: refused, and the stored object is untouched.
        var response = api.uploadRaw("/api/v1/models/" + model + "/versions", IRIS.readBytes(), "Content-SHA256", TITANIC.sha256());

        assertProblem(response, 422, "CHECKSUM_MISMATCH");
        assertThat(storedObjects()).isEqualTo(objects);
        assertThat(api.get("/api/v1/models/" + model + "/versions/1/artifact").raw().body()).isEqualTo(TITANIC.readBytes());
    }

    @Test
    void refusesEmptyUnknownAndMistypedUploads() {
        assertProblem(api.uploadRaw("/api/v1/models/" + model + "/versions", new byte[0]), 422, "EMPTY_ARTIFACT");
        assertProblem(api.uploadRaw("/api/v1/models/" + uniqueName("nobody") + "/versions", TITANIC.readBytes()),
                404, "MODEL_NOT_FOUND");
        assertProblem(api.send("POST", "/api/v1/models/" + model + "/versions", "text/plain", TITANIC.readBytes()),
                415, "UNSUPPORTED_MEDIA_TYPE");
        assertProblem(api.uploadMultipart("/api/v1/models/" + model + "/versions", null, "no file part"),
                400, "MALFORMED_REQUEST");
        assertThat(api.get("/api/v1/models/" + model).json().path("latestVersion").asInt()).isZero();
    }

    @Test
    void aliasesPointAtVersionsAndResolveLikeVersions() {
        api.uploadRaw("/api/v1/models/" + model + "/versions", TITANIC.readBytes());
        api.uploadRaw("/api/v1/models/" + model + "/versions", IRIS.readBytes());

        var set = api.putJson("/api/v1/models/" + model + "/aliases/champion", Map.of("version", 1));
        assertThat(set.status()).as(set.text()).isEqualTo(200);
        assertThat(api.get("/api/v1/models/" + model + "/versions/champion").json().path("version").asInt()).isEqualTo(1);
        assertThat(api.get("/api/v1/models/" + model).json().path("aliases").path("champion").asInt()).isEqualTo(1);
        assertThat(api.get("/api/v1/models?query=" + model).json().path("items").get(0).path("aliases").path("champion")
                .asInt()).as("listings carry aliases too").isEqualTo(1);

        api.putJson("/api/v1/models/" + model + "/aliases/champion", Map.of("version", 2));
        JsonNode two = api.get("/api/v1/models/" + model + "/versions/champion").json();
        assertThat(two.path("version").asInt()).isEqualTo(2);
        assertThat(two.path("aliases").get(0).asString()).isEqualTo("champion");

        assertProblem(api.putJson("/api/v1/models/" + model + "/aliases/champion", Map.of("version", 9)),
                404, "VERSION_NOT_FOUND");
        assertProblem(api.putJson("/api/v1/models/" + model + "/aliases/42", Map.of("version", 1)), 400, "INVALID_NAME");
        assertThat(api.delete("/api/v1/models/" + model + "/aliases/champion").status()).isEqualTo(204);
        assertProblem(api.get("/api/v1/models/" + model + "/versions/champion"), 404, "VERSION_NOT_FOUND");
        assertProblem(api.delete("/api/v1/models/" + model + "/aliases/champion"), 404, "ALIAS_NOT_FOUND");
    }

    @Test
    void versionMetadataCanChangeButTheArtifactCannot() {
        api.uploadRaw("/api/v1/models/" + model + "/versions", TITANIC.readBytes());

        JsonNode patched = api.patchJson("/api/v1/models/" + model + "/versions/1",
                Map.of("description", "retrained", "tags", Map.of("dataset", "2026-11"))).json();

        assertThat(patched.path("description").asString()).isEqualTo("retrained");
        assertThat(patched.path("tags").path("dataset").asString()).isEqualTo("2026-11");
        assertThat(patched.path("sha256").asString()).isEqualTo(TITANIC.sha256());
        assertProblem(api.patchJson("/api/v1/models/" + model + "/versions/7", Map.of("description", "x")),
                404, "VERSION_NOT_FOUND");
    }

    @Test
    void listsVersionsNewestFirstAndFiltersByTag() {
        for (int i = 1; i <= 5; i++) {
            api.uploadRaw("/api/v1/models/" + model + "/versions?tag=parity:" + (i % 2 == 0 ? "even" : "odd"),
                    TITANIC.readBytes());
        }
        JsonNode first = api.get("/api/v1/models/" + model + "/versions?pageSize=2").json();
        assertThat(first.path("items").get(0).path("version").asInt()).isEqualTo(5);
        assertThat(first.path("items").get(1).path("version").asInt()).isEqualTo(4);
        JsonNode second = api.get("/api/v1/models/" + model + "/versions?pageSize=2&pageToken="
                + first.path("nextPageToken").asString()).json();
        assertThat(second.path("items").get(0).path("version").asInt()).isEqualTo(3);

        JsonNode even = api.get("/api/v1/models/" + model + "/versions?tag=parity:even").json();
        assertThat(even.path("items")).extracting(v -> v.path("version").asInt()).containsExactly(4, 2);
        assertThat(even.path("nextPageToken").isNull()).isTrue();
    }

    @Test
    void everyChangeIsInTheAuditLogNewestFirst() {
        api.uploadRaw("/api/v1/models/" + model + "/versions", TITANIC.readBytes());
        api.putJson("/api/v1/models/" + model + "/aliases/champion", Map.of("version", 1));

        JsonNode events = api.get("/api/v1/audit?pageSize=50").json().path("items");
        JsonNode newest = events.get(0);
        assertThat(newest.path("action").asString()).isEqualTo("alias.set");
        assertThat(newest.path("entityName").asString()).isEqualTo(model);
        assertThat(newest.path("actor").asString()).isEqualTo("token:bootstrap-admin");
        assertThat(newest.path("clientAddress").asString()).isEqualTo("127.0.0.1");
        assertThat(events.get(1).path("action").asString()).isEqualTo("version.create");
        assertThat(events.get(1).path("entityName").asString()).isEqualTo(model + "/1");
        assertThat(events.get(2).path("action").asString()).isEqualTo("model.create");
        assertThat(newest.path("id").asLong()).isGreaterThan(events.get(1).path("id").asLong());
    }
}
