package io.rtml.registry.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.artifact.ArtifactStore;
import io.rtml.registry.ApiClient;
import io.rtml.registry.RegistryApiTest;
import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import io.rtml.testing.TestS3;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * Uploads with a declared SHA-256 go to S3 as a multipart upload of their content key while the body
 * arrives (part size 5MB here), completed only after every check passed, through the real registry
 * and a real S3 server. Whatever ends an upload otherwise leaves neither an object nor an incomplete
 * multipart upload.
 */
class MultipartUploadTest extends RegistryApiTest {

    private static final ReferenceModel TITANIC = ReferenceModels.bundled("sklearn_titanic_pipeline");

    private ApiClient api;
    private String model;
    private S3Client s3;

    @BeforeEach
    void createModel() {
        api = api();
        model = uniqueName("multipart");
        assertThat(api.postJson("/api/v1/models", Map.of("name", model)).status()).isEqualTo(201);
        var server = TestS3.server();
        s3 = S3Client.builder().endpointOverride(server.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(server.accessKey(), server.secretKey())))
                .build();
    }

    @AfterEach
    void closeClient() {
        s3.close();
    }

    @Test
    void aDeclaredUploadIsStoredAtItsContentKeyWithNoIncompleteUploadLeft() {
        String key = ArtifactStore.keyFor(TITANIC.sha256());

        var created = api.uploadRaw("/api/v1/models/" + model + "/versions", TITANIC.readBytes(), "Content-SHA256", TITANIC.sha256());

        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(artifactKey()).isEqualTo(key);
        assertThat(pendingUploads(key)).isEmpty();
        assertThat(api.get("/api/v1/models/" + model + "/versions/1/artifact").raw().body()).isEqualTo(TITANIC.readBytes());
    }

    /** Bytes that are no model, sent in two parts: the checks refuse them after S3 got the first part. */
    @Test
    void anUploadThatFailsItsChecksLeavesNoObjectAndNoIncompleteUpload() throws Exception {
        byte[] notAModel = unique(7 * 1024 * 1024);
        String key = ArtifactStore.keyFor(sha256(notAModel));
        long objects = storedObjects();

        var refused = api.uploadRaw("/api/v1/models/" + model + "/versions", notAModel, "Content-SHA256", sha256(notAModel));

        assertThat(refused.status()).as(refused.text()).isEqualTo(422);
        assertThat(pendingUploads(key)).isEmpty();
        assertThat(storedObjects()).isEqualTo(objects);
    }

    @Test
    void aChecksumMismatchLeavesNoIncompleteUploadOfTheDeclaredKey() throws Exception {
        byte[] bytes = unique(7 * 1024 * 1024);
        String declared = sha256(unique(10));

        var refused = api.uploadRaw("/api/v1/models/" + model + "/versions", bytes, "Content-SHA256", declared);

        assertThat(refused.status()).as(refused.text()).isEqualTo(422);
        assertThat(pendingUploads(ArtifactStore.keyFor(declared))).isEmpty();
        assertThat(TestS3.bucketDir().resolve(ArtifactStore.keyFor(declared))).doesNotExist();
    }

    /** The first part is in S3 (its request answered) while the body still arrives; the client then goes away. */
    @Test
    void aClientThatGoesAwayMidBodyLeavesItsUploadAborted() throws Exception {
        byte[] bytes = unique(7 * 1024 * 1024);
        String key = ArtifactStore.keyFor(sha256(bytes));
        String head = "POST /api/v1/models/" + model + "/versions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + ADMIN_TOKEN + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + bytes.length
                + "\r\nContent-SHA256: " + sha256(bytes) + "\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(bytes, 0, 6 * 1024 * 1024);
            out.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> partsOf(key) == 1);
        } // the rest is never sent

        await().atMost(Duration.ofSeconds(30)).until(() -> pendingUploads(key).isEmpty());
        assertThat(TestS3.bucketDir().resolve(key)).doesNotExist();
        assertThat(api.get("/api/v1/models/" + model).json().path("latestVersion").asInt()).isZero();
    }

    /** A plain upload (no declared SHA-256) is spooled, checked, then sent to its content key. */
    @Test
    void aPlainUploadIsStoredAtItsContentKey() {
        var created = api.uploadRaw("/api/v1/models/" + model + "/versions", TITANIC.readBytes());

        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(artifactKey()).isEqualTo(ArtifactStore.keyFor(TITANIC.sha256()));
        assertThat(api.get("/api/v1/models/" + model + "/versions/1/artifact").raw().body()).isEqualTo(TITANIC.readBytes());
    }

    private String artifactKey() {
        return jdbc.queryForObject("""
                select v.artifact_key from model_version v join registered_model m on m.id = v.model_id
                where m.name = ? and v.version = 1""", String.class, model);
    }

    private List<MultipartUpload> pendingUploads(String key) {
        return s3.listMultipartUploads(b -> b.bucket(TestS3.BUCKET).prefix(key)).uploads().stream()
                .filter(u -> u.key().equals(key)).toList();
    }

    private int partsOf(String key) {
        List<MultipartUpload> uploads = pendingUploads(key);
        return uploads.isEmpty() ? 0
                : s3.listParts(b -> b.bucket(TestS3.BUCKET).key(key).uploadId(uploads.get(0).uploadId())).parts().size();
    }

    private static byte[] unique(int size) {
        byte[] bytes = new byte[size];
        byte[] id = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < size; i++) {
            bytes[i] = id[i % id.length];
        }
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
