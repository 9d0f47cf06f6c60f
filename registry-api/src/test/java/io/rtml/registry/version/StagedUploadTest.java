package io.rtml.registry.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.registry.ApiClient;
import io.rtml.registry.RegistryApiTest;
import io.rtml.artifact.ArtifactStore;
import io.rtml.artifact.S3Properties;
import io.rtml.registry.artifact.UploadProperties;
import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import io.rtml.testing.TestS3;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Uploads without a declared SHA-256 are PUT under a staging key while they arrive; the registry serves
 * them from there at once and moves them to their content key in the background. A sweep finishes the
 * moves a restart interrupted and deletes staging objects once nothing needs them.
 */
class StagedUploadTest extends RegistryApiTest {

    private static final ReferenceModel TITANIC = ReferenceModels.bundled("sklearn_titanic_pipeline");

    @Autowired
    ArtifactStore store;

    @Autowired
    ModelVersionRepository versions;

    @Autowired
    UploadProperties upload;

    @Autowired
    S3Properties s3;

    @Autowired
    TransactionTemplate transaction;

    @Autowired
    ArtifactReclaimer reclaimer;

    @Autowired
    VersionService versionService;

    private ApiClient api;
    private String model;

    @BeforeEach
    void createModel() {
        api = api();
        model = uniqueName("staged");
        assertThat(api.postJson("/api/v1/models", Map.of("name", model)).status()).isEqualTo(201);
    }

    @Test
    void aPlainUploadIsServedAtOnceAndMovesToItsContentKey() {
        var created = api.uploadRaw("/api/v1/models/" + model + "/versions", TITANIC.readBytes());
        assertThat(created.status()).as(created.text()).isEqualTo(201);

        var download = api.get("/api/v1/models/" + model + "/versions/1/artifact");
        assertThat(download.status()).isEqualTo(200);
        assertThat(download.raw().body()).isEqualTo(TITANIC.readBytes());

        String contentKey = ArtifactStore.keyFor(TITANIC.sha256());
        await().atMost(Duration.ofSeconds(10)).until(() -> contentKey.equals(artifactKey(model)));
        assertThat(Files.exists(objectFile(contentKey))).isTrue();
        assertThat(api.get("/api/v1/models/" + model + "/versions/1/artifact").raw().body()).isEqualTo(TITANIC.readBytes());
    }

    @Test
    void theSweepFinishesInterruptedMovesAndDeletesStagingObjectsNothingNeeds() throws Exception {
        assertThat(api.uploadRaw("/api/v1/models/" + model + "/versions", TITANIC.readBytes()).status()).isEqualTo(201);
        String contentKey = ArtifactStore.keyFor(TITANIC.sha256());
        await().atMost(Duration.ofSeconds(10)).until(() -> contentKey.equals(artifactKey(model)));
        // As a restart would leave things: the version still on a staging object, plus a staging
        // object that no version ever recorded (the registry died between the PUT and the row).
        String interrupted = "staging/" + UUID.randomUUID();
        String orphan = "staging/" + UUID.randomUUID();
        putObject(interrupted, TITANIC.file());
        putObject(orphan, TITANIC.file());
        jdbc.update("""
                update model_version set artifact_key = ? where version = 1
                  and model_id = (select id from registered_model where name = ?)""", interrupted, model);

        sweepAt(Duration.ZERO);
        assertThat(artifactKey(model)).isEqualTo(contentKey);
        assertThat(Files.exists(objectFile(interrupted))).as("within retention, kept for readers").isTrue();
        assertThat(Files.exists(objectFile(orphan))).isTrue();

        sweepAt(upload.stagingRetention().plusMinutes(1));
        assertThat(Files.exists(objectFile(interrupted))).as("retention passed since its release").isFalse();
        assertThat(Files.exists(objectFile(orphan))).as("an unrecorded upload may still be arriving").isTrue();

        sweepAt(StagedArtifacts.ORPHAN_GRACE.plusMinutes(1));
        assertThat(Files.exists(objectFile(orphan))).isFalse();
        assertThat(Files.exists(objectFile(contentKey))).isTrue();
        assertThat(api.get("/api/v1/models/" + model + "/versions/1/artifact").raw().body()).isEqualTo(TITANIC.readBytes());
    }

    /** Scoring nodes fetch a version that is still staged from its staging key, not from a content key it lacks yet. */
    @Test
    void aStagedVersionIsHandedOutFromItsStagingKey() throws Exception {
        assertThat(api.uploadRaw("/api/v1/models/" + model + "/versions", TITANIC.readBytes()).status()).isEqualTo(201);
        String staged = "staging/" + UUID.randomUUID();
        putObject(staged, TITANIC.file());

        // In one transaction that is rolled back: no sweep sees the row on its staging key meanwhile.
        java.net.URL url = transaction.execute(status -> {
            status.setRollbackOnly();
            jdbc.update("""
                    update model_version set artifact_key = ? where version = 1
                      and model_id = (select id from registered_model where name = ?)""", staged, model);
            return versionService.presignArtifact(model, "1");
        });

        assertThat(url.getPath()).endsWith("/" + staged);
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(url.toURI()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.body()).isEqualTo(TITANIC.readBytes());
    }

    /** One sweep as a registry whose clock is {@code ahead} of now would run it. */
    private void sweepAt(Duration ahead) {
        try (StagedArtifacts registry = new StagedArtifacts(store, versions, transaction, reclaimer, upload, s3,
                Clock.offset(Clock.systemUTC(), ahead))) {
            registry.sweep();
        }
    }

    private String artifactKey(String modelName) {
        return jdbc.queryForObject("""
                select v.artifact_key from model_version v join registered_model m on m.id = v.model_id
                where m.name = ? and v.version = 1""", String.class, modelName);
    }

    private static Path objectFile(String key) {
        return TestS3.bucketDir().resolve(key);
    }

    private static void putObject(String key, Path file) {
        var server = TestS3.server();
        try (S3Client client = S3Client.builder().endpointOverride(server.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(server.accessKey(), server.secretKey())))
                .build()) {
            client.putObject(b -> b.bucket(TestS3.BUCKET).key(key), file);
        }
    }
}
