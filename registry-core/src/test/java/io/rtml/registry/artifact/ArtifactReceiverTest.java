package io.rtml.registry.artifact;

import io.rtml.artifact.ArtifactStore;
import io.rtml.artifact.ArtifactStoreConfiguration;
import io.rtml.artifact.S3Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.TensorProto;
import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.testing.ProtoBuilder;
import io.rtml.testing.TestS3;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.URI;
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
 * Uploads whose length is known are PUT to S3 while they arrive (under their content key when the
 * SHA-256 is declared, else a staging key), against a real S3 server: the object appears only once the
 * upload is stored, and an upload that fails or is refused leaves none.
 */
class ArtifactReceiverTest {

    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;

    @TempDir
    Path dir;

    private ArtifactStore store;
    private ArtifactReceiver receiver;

    @BeforeEach
    void start() {
        var s3 = TestS3.server();
        S3Properties properties = new S3Properties(s3.endpoint(), null, TestS3.BUCKET, s3.accessKey(), s3.secretKey(),
                true, true, null);
        ArtifactStoreConfiguration configuration = new ArtifactStoreConfiguration();
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

    @Test
    void anUploadWithoutADeclaredHashIsPutUnderAStagingKeyWhileItArrives() throws Exception {
        byte[] bytes = unique(3 * 1024 * 1024);

        try (ReceivedArtifact upload = receiver.receive(new ByteArrayInputStream(bytes), null, (long) bytes.length)) {
            // The PUT is under way, but no file on the server holds every byte before the upload is stored.
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> stagingFiles(bytes.length) == 0);

            String key = upload.store();

            assertThat(ArtifactStore.isStaging(key)).isTrue();
            try (InputStream stored = store.open(key)) {
                assertThat(stored.readAllBytes()).isEqualTo(bytes);
            }
            store.copyToContentKey(key, sha256(bytes), bytes.length);
            try (InputStream stored = store.open(ArtifactStore.keyFor(sha256(bytes)))) {
                assertThat(stored.readAllBytes()).isEqualTo(bytes);
            }
            store.delete(key);
        }
    }

    @Test
    void aRefusedUploadWithoutADeclaredHashLeavesNoStagingObject() throws IOException {
        byte[] bytes = unique(3 * 1024 * 1024);
        long before = stagingObjects();

        try (ReceivedArtifact upload = receiver.receive(new ByteArrayInputStream(bytes), null, (long) bytes.length)) {
            assertThat(upload.sha256()).isEqualTo(sha256(bytes));
        }

        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> stagingObjects() == before);
        assertThat(store.exists(ArtifactStore.keyFor(sha256(bytes)))).isFalse();
    }

    /** S3 gets every byte; the spool file, which only the inspection reads, lacks the float weights. */
    @Test
    void theSpoolFileLeavesOutTheFloatWeightsThatS3Gets() throws Exception {
        byte[] weights = unique(4 * 1024 * 1024);
        byte[] model = ProtoBuilder.model(ProtoBuilder.message()
                .message(GraphProto.NODE_FIELD_NUMBER, ProtoBuilder.node("Identity", new String[] {"W"}, "Y"))
                .string(GraphProto.NAME_FIELD_NUMBER, "weights")
                .message(GraphProto.INITIALIZER_FIELD_NUMBER, ProtoBuilder.floatTensor("W", weights.length / 4)
                        .bytes(TensorProto.RAW_DATA_FIELD_NUMBER, weights))
                .message(GraphProto.OUTPUT_FIELD_NUMBER, ProtoBuilder.tensorValue("Y", FLOAT, (long) weights.length / 4)))
                .toByteArray();

        try (ReceivedArtifact upload = receiver.receive(new ByteArrayInputStream(model), null, (long) model.length)) {
            byte[] spooled = Files.readAllBytes(upload.path());
            assertThat(spooled).hasSize(model.length);
            int differing = 0;
            for (int i = 0; i < model.length; i++) {
                if (spooled[i] != model[i]) {
                    assertThat(spooled[i]).as("byte %d", i).isZero();
                    differing++;
                }
            }
            assertThat(differing).isGreaterThan(weights.length / 2);

            String key = upload.store();
            try (InputStream stored = store.open(key)) {
                assertThat(stored.readAllBytes()).isEqualTo(model);
            }
            store.delete(key);
        }
    }

    @Test
    void anUploadWhosePutFailedIsRefusedWhenItsSpoolFileLacksTheWeights() throws IOException {
        S3Properties nowhere = new S3Properties(URI.create("http://127.0.0.1:9"), null, "nowhere", "key", "secret", true, false, null);
        ArtifactStoreConfiguration configuration = new ArtifactStoreConfiguration();
        ArtifactStore deadStore = new ArtifactStore(configuration.s3Client(nowhere), configuration.s3Presigner(nowhere), nowhere);
        byte[] weights = unique(2 * 1024 * 1024);
        byte[] model = ProtoBuilder.model(ProtoBuilder.message().string(GraphProto.NAME_FIELD_NUMBER, "weights")
                .message(GraphProto.INITIALIZER_FIELD_NUMBER, ProtoBuilder.floatTensor("W", weights.length / 4)
                        .bytes(TensorProto.RAW_DATA_FIELD_NUMBER, weights))).toByteArray();

        try (ArtifactReceiver toNowhere = new ArtifactReceiver(new ArtifactSpool(new UploadProperties(null, dir.resolve("spool"))),
                deadStore)) {
            // Told while receiving, or at the latest when storing: either way a 503, nothing kept.
            assertThatThrownBy(() -> {
                try (ReceivedArtifact upload = toNowhere.receive(new ByteArrayInputStream(model), null, (long) model.length)) {
                    upload.store();
                }
            }).isInstanceOf(RtmlException.class)
                    .extracting(e -> ((RtmlException) e).code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
        }
    }

    private static long stagingObjects() throws IOException {
        return stagingFiles(-1);
    }

    /** Files under the staging prefix on the S3 server's disk, of {@code size} bytes, or all when it is -1. */
    private static long stagingFiles(long size) throws IOException {
        Path staging = TestS3.bucketDir().resolve("staging");
        if (!Files.isDirectory(staging)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(staging)) {
            return files.filter(Files::isRegularFile).filter(f -> size < 0 || f.toFile().length() == size).count();
        }
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
