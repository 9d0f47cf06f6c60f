package io.rtml.registry.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rtml.testing.TestS3;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads whose SHA-256 is declared are PUT to S3 while they arrive, against a real S3 server: the
 * object appears only once the upload is stored, and an upload that fails or is refused leaves none.
 */
class ArtifactReceiverTest {

    @TempDir
    Path dir;

    private ArtifactStore store;
    private ArtifactReceiver receiver;

    @BeforeEach
    void start() {
        var s3 = TestS3.server();
        S3Properties properties = new S3Properties(s3.endpoint(), null, TestS3.BUCKET, s3.accessKey(), s3.secretKey(),
                true, true, null);
        S3Configuration configuration = new S3Configuration();
        store = new ArtifactStore(configuration.s3Client(properties), configuration.s3Presigner(properties), properties);
        receiver = new ArtifactReceiver(new ArtifactSpool(new UploadProperties(null, dir.resolve("spool"))), store);
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void aDeclaredUploadBecomesAnObjectOnlyWhenStored() throws Exception {
        byte[] bytes = unique(3 * 1024 * 1024);
        String key = ArtifactStore.keyFor(sha256(bytes));

        try (ReceivedArtifact upload = receiver.receive(new ByteArrayInputStream(bytes), sha256(bytes), (long) bytes.length)) {
            assertThat(upload.sha256()).isEqualTo(sha256(bytes));
            // Received and hashed, its PUT under way: still no object until the upload is stored.
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !store.exists(key));

            assertThat(upload.store()).isEqualTo(key);
        }

        assertThat(store.exists(key)).isTrue();
        try (InputStream stored = store.open(key)) {
            assertThat(stored.readAllBytes()).isEqualTo(bytes);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> spoolFiles() == 0);
    }

    @Test
    void aRefusedUploadLeavesNoObjectThoughItsPutHadStarted() {
        byte[] bytes = unique(3 * 1024 * 1024);
        String key = ArtifactStore.keyFor(sha256(bytes));

        try (ReceivedArtifact upload = receiver.receive(new ByteArrayInputStream(bytes), sha256(bytes), (long) bytes.length)) {
            assertThat(upload.size()).isEqualTo(bytes.length);
            // The inspection refuses it here: the upload is closed without being stored.
        }

        assertThat(store.exists(key)).isFalse();
        // Nor a partial file on the server: the abandoned PUT's connection was closed, not left to time out.
        await().atMost(Duration.ofSeconds(5)).until(() -> filesOnTheServer(sha256(bytes)) == 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> spoolFiles() == 0);
    }

    @Test
    void aStoredObjectIsLeftAloneWhenAnIdenticalUploadFails() throws Exception {
        byte[] bytes = unique(1024 * 1024);
        String key;
        try (ReceivedArtifact first = receiver.receive(new ByteArrayInputStream(bytes), null, null)) {
            key = first.store();
        }

        try (ReceivedArtifact second = receiver.receive(new ByteArrayInputStream(bytes), sha256(bytes), (long) bytes.length)) {
            assertThat(second.sha256()).isEqualTo(sha256(bytes));
            // ...and the second upload is refused for a reason of its own.
        }

        try (InputStream stored = store.open(key)) {
            assertThat(stored.readAllBytes()).isEqualTo(bytes);
        }
    }

    @Test
    void bytesThatAreNotWhatWasDeclaredAreStoredUnderNeitherKey() {
        byte[] declared = unique(1024 * 1024);
        byte[] actual = unique(1024 * 1024);

        try (ReceivedArtifact upload = receiver.receive(new ByteArrayInputStream(actual), sha256(declared),
                (long) declared.length)) {
            assertThat(upload.sha256()).isEqualTo(sha256(actual));
        }

        assertThat(store.exists(ArtifactStore.keyFor(sha256(declared)))).isFalse();
        assertThat(store.exists(ArtifactStore.keyFor(sha256(actual)))).isFalse();
    }

    @Test
    void aBodyThatBreaksOffLeavesNoObjectAndNoSpoolFile() throws IOException {
        byte[] bytes = unique(2 * 1024 * 1024);
        InputStream breaksOff = new SequenceInputStream(new ByteArrayInputStream(bytes, 0, bytes.length / 2), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset by peer");
            }
        });

        assertThatThrownBy(() -> receiver.receive(breaksOff, sha256(bytes), (long) bytes.length))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("upload interrupted");

        assertThat(store.exists(ArtifactStore.keyFor(sha256(bytes)))).isFalse();
        assertThat(spoolFiles()).isZero();
    }

    /** Files on the S3 server's disk named after {@code sha256}: the object, or a PUT's partial file. */
    private static long filesOnTheServer(String sha256) throws IOException {
        try (Stream<Path> files = Files.walk(TestS3.bucketDir())) {
            return files.filter(f -> f.getFileName().toString().startsWith(sha256)).count();
        }
    }

    private long spoolFiles() throws IOException {
        Path spool = dir.resolve("spool");
        if (!Files.isDirectory(spool)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(spool)) {
            return files.count();
        }
    }

    private static byte[] unique(int size) {
        byte[] bytes = new byte[size];
        byte[] id = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < size; i++) {
            bytes[i] = id[i % id.length];
        }
        return bytes;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
