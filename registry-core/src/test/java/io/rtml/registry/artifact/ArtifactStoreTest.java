package io.rtml.registry.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.artifact.ArtifactStore;
import io.rtml.artifact.ArtifactStoreConfiguration;
import io.rtml.artifact.S3Properties;
import io.rtml.testing.TestS3;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/** The artifact store against a real S3 server (s3proxy). */
class ArtifactStoreTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void storesContentAddressedAndHandsOutPresignedUrlsThatWork() throws Exception {
        ArtifactStore store = store(Duration.ofMinutes(5));
        SpooledArtifact file = spooled("model bytes " + UUID.randomUUID());

        String key = store.store(file.path(), file.sha256());

        assertThat(key).isEqualTo("artifacts/sha256/" + file.sha256().substring(0, 2) + "/" + file.sha256());
        assertThat(store.exists(key)).isTrue();
        URL url = store.presignGet(key);
        assertThat(url.getQuery()).contains("X-Amz-Expires=300").contains("X-Amz-Signature=");
        HttpResponse<byte[]> response = get(url);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(Files.readAllBytes(file.path()));
    }

    @Test
    void presignedUrlsExpire() throws Exception {
        ArtifactStore store = store(Duration.ofSeconds(1));
        SpooledArtifact file = spooled("short-lived " + UUID.randomUUID());
        String key = store.store(file.path(), file.sha256());
        URL url = store.presignGet(key);

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(get(url).statusCode()).isEqualTo(403));
    }

    /** A compose file passes an unset RTML_S3_REGION or RTML_S3_BUCKET as an empty value. */
    @Test
    void aBlankRegionOrBucketMeansTheDefault() {
        S3Properties blank = UploadFixtures.s3(java.util.Map.of("rtml.s3.region", "", "rtml.s3.bucket", " "));

        assertThat(blank).isEqualTo(UploadFixtures.s3(java.util.Map.of()));
        assertThat(blank.region()).isEqualTo("us-east-1");
        assertThat(blank.bucket()).isEqualTo("rtml-artifacts");
        UploadFixtures.client(blank).close();
    }

    @Test
    void redactionDropsTheSignature() throws Exception {
        URL url = URI.create("http://s3.local:9000/bucket/artifacts/sha256/ab/abc?X-Amz-Signature=secret&X-Amz-Expires=300")
                .toURL();
        assertThat(ArtifactStore.redact(url)).isEqualTo("http://s3.local:9000/bucket/artifacts/sha256/ab/abc?…")
                .doesNotContain("secret");
    }

    private ArtifactStore store(Duration ttl) {
        var s3 = TestS3.server();
        S3Properties properties = UploadFixtures.s3(java.util.Map.of("rtml.s3.endpoint", s3.endpoint().toString(),
                "rtml.s3.bucket", TestS3.BUCKET, "rtml.s3.access-key", s3.accessKey(), "rtml.s3.secret-key", s3.secretKey(),
                "rtml.s3.presign-ttl", ttl.toMillis() + "ms"));
        ArtifactStoreConfiguration configuration = new ArtifactStoreConfiguration();
        S3Client client = configuration.s3Client(properties);
        return new ArtifactStore(client, configuration.s3Presigner(properties), properties);
    }

    private SpooledArtifact spooled(String content) throws IOException {
        Path file = Files.writeString(dir.resolve(UUID.randomUUID() + ".bin"), content);
        return UploadFixtures.spool(UploadFixtures.upload(dir.resolve("spool"))).spool(Files.newInputStream(file));
    }

    private HttpResponse<byte[]> get(URL url) throws Exception {
        return http.send(HttpRequest.newBuilder(url.toURI()).build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
