package io.rtml.registry.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rtml.artifact.ArtifactStore;
import io.rtml.artifact.S3Properties;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * Uploads whose SHA-256 is declared go to S3 as the parts of a multipart upload of their content key
 * while they arrive, against a real S3 server (s3proxy): the object appears only once the upload is
 * stored, and an upload that fails or is refused leaves neither an object nor an incomplete upload.
 */
class ArtifactReceiverTest {

    private static final int PART = 5 * 1024 * 1024;
    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;

    @TempDir
    Path dir;

    private ArtifactStore store;
    private S3Client s3;
    private UploadExecutors executors;
    private PartUploads parts;
    private ArtifactReceiver receiver;

    @BeforeEach
    void start() {
        S3Properties s3Properties = UploadFixtures.testS3();
        store = UploadFixtures.store(s3Properties);
        s3 = UploadFixtures.client(s3Properties);
        UploadProperties properties = UploadFixtures.upload(dir.resolve("spool"), "part-size", "5MB", "part-buffers", "3");
        executors = new UploadExecutors(properties);
        parts = new PartUploads(store, executors, properties);
        receiver = new ArtifactReceiver(new ArtifactSpool(properties, executors), store, parts, executors);
    }

    /** Whatever became of the uploads, each gave back every part buffer it held. */
    @AfterEach
    void stop() {
        await().atMost(Duration.ofSeconds(10)).until(() -> parts.buffersInUse() == 0);
        executors.destroy();
        s3.close();
    }

    @Test
    void aDeclaredUploadIsSentInPartsAndBecomesAnObjectOnlyWhenStored() throws Exception {
        byte[] bytes = unique(2 * PART + 1234);
        String key = ArtifactStore.keyFor(sha256(bytes));

        try (ReceivedArtifact upload = receiver.receive(new ByteArrayInputStream(bytes), sha256(bytes))) {
            assertThat(upload.sha256()).isEqualTo(sha256(bytes));
            // Received and hashed, every part in S3 (the last one as the body ended): still no object until the upload is stored.
            await().atMost(Duration.ofSeconds(10)).until(() -> partsOf(key) == 3);
            assertThat(store.exists(key)).isFalse();

            assertThat(upload.store()).isEqualTo(key);
        }

        assertThat(store.exists(key)).isTrue();
        assertThat(pendingUploads(key)).isEmpty();
        try (InputStream stored = store.open(key)) {
            assertThat(stored.readAllBytes()).isEqualTo(bytes);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> spoolFiles() == 0);
    }

    /** No S3 request waits for the rest of the body: each part is a request of its own that has ended while the body still arrives. */
    @Test
    void eachPartIsSentAndAnsweredWhileTheBodyIsStillArriving() throws Exception {
        byte[] bytes = unique(3 * PART);
        String key = ArtifactStore.keyFor(sha256(bytes));
        CountDownLatch rest = new CountDownLatch(1);
        InputStream body = new SequenceInputStream(new ByteArrayInputStream(bytes, 0, 2 * PART + 10), new InputStream() {
            private final InputStream tail = new ByteArrayInputStream(bytes, 2 * PART + 10, bytes.length - 2 * PART - 10);

            @Override
            public int read() throws IOException {
                awaitRest();
                return tail.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                awaitRest();
                return tail.read(b, off, len);
            }

            private void awaitRest() {
                try {
                    rest.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });

        CompletableFuture<String> stored = CompletableFuture.supplyAsync(() -> {
            try (ReceivedArtifact upload = receiver.receive(body, sha256(bytes))) {
                return upload.store();
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> partsOf(key) == 2);
        assertThat(stored).isNotDone();
        rest.countDown();

        assertThat(stored.get(30, TimeUnit.SECONDS)).isEqualTo(key);
        try (InputStream object = store.open(key)) {
            assertThat(object.readAllBytes()).isEqualTo(bytes);
        }
    }

    /** Graceful shutdown lets the uploads in flight finish: the context closing must not stop the part threads under them. */
    @Test
    void anUploadInFlightWhenTheContextClosesIsStillStored() throws Exception {
        // A model whose weights the spool file leaves out: only the multipart upload can store it.
        byte[] weights = unique(3 * PART);
        byte[] bytes = ProtoBuilder.model(ProtoBuilder.message().string(GraphProto.NAME_FIELD_NUMBER, "weights")
                .message(GraphProto.INITIALIZER_FIELD_NUMBER, ProtoBuilder.floatTensor("W", weights.length / 4)
                        .bytes(TensorProto.RAW_DATA_FIELD_NUMBER, weights))).toByteArray();
        String key = ArtifactStore.keyFor(sha256(bytes));
        CountDownLatch rest = new CountDownLatch(1);
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
            context.registerBean(UploadProperties.class, () -> UploadFixtures.upload(dir.resolve("spool"), "part-size", "5MB"));
            context.registerBean(ArtifactStore.class, () -> store);
            context.register(UploadExecutors.class, PartUploads.class, ArtifactSpool.class, ArtifactReceiver.class);
            context.refresh();
            ArtifactReceiver registryReceiver = context.getBean(ArtifactReceiver.class);

            CompletableFuture<String> stored = CompletableFuture.supplyAsync(() -> {
                try (ReceivedArtifact upload = registryReceiver.receive(pausedAfter(bytes, PART + 10, rest), sha256(bytes))) {
                    return upload.store();
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> partsOf(key) == 1);
            // What close() does before the web server's graceful shutdown (a lower phase) lets this upload finish.
            context.publishEvent(new ContextClosedEvent(context));
            context.stop();
            rest.countDown();

            assertThat(stored.get(30, TimeUnit.SECONDS)).isEqualTo(key);
        }
        try (InputStream object = store.open(key)) {
            assertThat(object.readAllBytes()).isEqualTo(bytes);
        }
    }

    /**
     * Slow clients each hold a part buffer while their bodies trickle in; one that finds none free
     * takes the plain path (spool, then PUT) instead of waiting for another upload's buffer.
     */
    @Test
    void moreSlowUploadsThanPartBuffersAreAllStored() throws Exception {
        UploadProperties properties = UploadFixtures.upload(dir.resolve("spool"), "part-size", "5MB", "part-buffers", "2");
        PartUploads twoBuffers = new PartUploads(store, executors, properties);
        ArtifactReceiver slowReceiver = new ArtifactReceiver(new ArtifactSpool(properties, executors), store, twoBuffers, executors);
        int uploads = 4;
        CountDownLatch paused = new CountDownLatch(uploads);
        CountDownLatch rest = new CountDownLatch(1);
        List<byte[]> bodies = new ArrayList<>();
        List<CompletableFuture<String>> stored = new ArrayList<>();
        for (int i = 0; i < uploads; i++) {
            byte[] bytes = unique(2 * PART + 10);
            bodies.add(bytes);
            InputStream body = pausedAfter(bytes, PART + 10, rest, paused);
            stored.add(CompletableFuture.supplyAsync(() -> {
                try (ReceivedArtifact upload = slowReceiver.receive(body, sha256(bytes))) {
                    return upload.store();
                }
            }));
        }
        assertThat(paused.await(20, TimeUnit.SECONDS)).as("every upload read up to its pause").isTrue();
        rest.countDown();

        for (int i = 0; i < uploads; i++) {
            String key = stored.get(i).get(30, TimeUnit.SECONDS);
            assertThat(key).isEqualTo(ArtifactStore.keyFor(sha256(bodies.get(i))));
            try (InputStream object = store.open(key)) {
                assertThat(object.readAllBytes()).isEqualTo(bodies.get(i));
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> twoBuffers.buffersInUse() == 0);
    }

    /** An upload smaller than one part is copied out of its part buffer when its body ends, before it is checked. */
    @Test
    void anUploadSmallerThanOnePartHoldsNoPartBufferWhileChecked() throws Exception {
        byte[] bytes = unique(PART / 2);

        try (ReceivedArtifact upload = receiver.receive(new ByteArrayInputStream(bytes), sha256(bytes))) {
            assertThat(parts.buffersInUse()).isZero();
            String key = upload.store();
            try (InputStream object = store.open(key)) {
                assertThat(object.readAllBytes()).isEqualTo(bytes);
            }
        }
    }

    @Test
    void aRefusedUploadLeavesNoObjectAndNoIncompleteUpload() {
        byte[] bytes = unique(2 * PART + 1);
        String key = ArtifactStore.keyFor(sha256(bytes));

        try (ReceivedArtifact upload = receiver.receive(new ByteArrayInputStream(bytes), sha256(bytes))) {
            assertThat(upload.size()).isEqualTo(bytes.length);
            assertThat(pendingUploads(key)).hasSize(1);
            // The inspection refuses it here: the upload is closed without being stored.
        }

        assertThat(store.exists(key)).isFalse();
        assertThat(pendingUploads(key)).isEmpty();
    }

    @Test
    void aStoredObjectIsReusedAndLeftAloneWhenAnIdenticalUploadFails() throws Exception {
        byte[] bytes = unique(1024 * 1024);
        String key;
        try (ReceivedArtifact first = receiver.receive(new ByteArrayInputStream(bytes), null)) {
            key = first.store();
        }

        try (ReceivedArtifact second = receiver.receive(new ByteArrayInputStream(bytes), sha256(bytes))) {
            assertThat(second.sha256()).isEqualTo(sha256(bytes));
            assertThat(pendingUploads(key)).as("nothing sent: the object is there").isEmpty();
            // ...and the second upload is refused for a reason of its own.
        }

        try (InputStream stored = store.open(key)) {
            assertThat(stored.readAllBytes()).isEqualTo(bytes);
        }
    }

    @Test
    void bytesThatAreNotWhatWasDeclaredAreStoredUnderNeitherKey() {
        byte[] declared = unique(PART + 1);
        byte[] actual = unique(PART + 1);

        try (ReceivedArtifact upload = receiver.receive(new ByteArrayInputStream(actual), sha256(declared))) {
            assertThat(upload.sha256()).isEqualTo(sha256(actual));
        }

        assertThat(store.exists(ArtifactStore.keyFor(sha256(declared)))).isFalse();
        assertThat(store.exists(ArtifactStore.keyFor(sha256(actual)))).isFalse();
        assertThat(pendingUploads(ArtifactStore.keyFor(sha256(declared)))).isEmpty();
    }

    @Test
    void aBodyThatBreaksOffLeavesNoObjectNoIncompleteUploadAndNoSpoolFile() throws IOException {
        byte[] bytes = unique(3 * PART);
        InputStream breaksOff = new SequenceInputStream(new ByteArrayInputStream(bytes, 0, 2 * PART + 5), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset by peer");
            }
        });

        assertThatThrownBy(() -> receiver.receive(breaksOff, sha256(bytes)))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("upload interrupted");

        String key = ArtifactStore.keyFor(sha256(bytes));
        assertThat(store.exists(key)).isFalse();
        assertThat(pendingUploads(key)).isEmpty();
        assertThat(spoolFiles()).isZero();
    }

    @Test
    void anUploadWithoutADeclaredHashIsSentOnlyWhenStored() throws Exception {
        for (int size : new int[] {1024 * 1024, 2 * PART + 7}) {
            byte[] bytes = unique(size);
            String key = ArtifactStore.keyFor(sha256(bytes));

            try (ReceivedArtifact upload = receiver.receive(new ByteArrayInputStream(bytes), null)) {
                assertThat(store.exists(key)).isFalse();
                assertThat(pendingUploads(key)).isEmpty();

                assertThat(upload.store()).isEqualTo(key);
            }

            try (InputStream stored = store.open(key)) {
                assertThat(stored.readAllBytes()).isEqualTo(bytes);
            }
            assertThat(pendingUploads(key)).isEmpty();
        }
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

        try (ReceivedArtifact upload = receiver.receive(new ByteArrayInputStream(model), sha256(model))) {
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

    /** Its parts are gone (aborted by someone else) and the spool file lacks the weights: nothing can be stored, 503. */
    @Test
    void anUploadWhoseCompletionFailedIsRefusedWhenItsSpoolFileLacksTheWeights() {
        byte[] weights = unique(2 * PART);
        byte[] model = ProtoBuilder.model(ProtoBuilder.message().string(GraphProto.NAME_FIELD_NUMBER, "weights")
                .message(GraphProto.INITIALIZER_FIELD_NUMBER, ProtoBuilder.floatTensor("W", weights.length / 4)
                        .bytes(TensorProto.RAW_DATA_FIELD_NUMBER, weights))).toByteArray();
        String key = ArtifactStore.keyFor(sha256(model));

        try (ReceivedArtifact upload = receiver.receive(new ByteArrayInputStream(model), sha256(model))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> partsOf(key) == 3);
            pendingUploads(key).forEach(u -> s3.abortMultipartUpload(b -> b.bucket(store.bucket()).key(key).uploadId(u.uploadId())));

            assertThatThrownBy(upload::store).isInstanceOf(RtmlException.class)
                    .extracting(e -> ((RtmlException) e).code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
        }
        assertThat(store.exists(key)).isFalse();
    }

    /**
     * s3proxy has no lifecycle rules: the registry aborts the uploads older than abandoned-after itself,
     * its own only (a shared bucket keeps other applications' uploads). A bucket of its own, so that
     * the sweep a day ahead aborts no upload of another test.
     */
    @Test
    void abandonedMultipartUploadsAreAbortedOnceOldEnough() {
        var server = TestS3.server();
        ArtifactStore own = UploadFixtures.store(UploadFixtures.s3(Map.of("rtml.s3.endpoint", server.endpoint().toString(),
                "rtml.s3.bucket", "abandoned-" + UUID.randomUUID(), "rtml.s3.access-key", server.accessKey(),
                "rtml.s3.secret-key", server.secretKey())));
        String key = ArtifactStore.keyFor(sha256(unique(10)));
        own.startMultipart(key, "0".repeat(64));
        own.startMultipart("other-app/upload", "0".repeat(64));
        UploadProperties properties = UploadFixtures.upload(dir.resolve("spool"), "abandoned-after", "1d");

        new AbandonedUploads(own, properties, Clock.systemUTC()).sweep();
        assertThat(pendingUploads(own)).as("a day has not passed").containsExactlyInAnyOrder(key, "other-app/upload");

        new AbandonedUploads(own, properties, Clock.offset(Clock.systemUTC(), Duration.ofHours(25))).sweep();
        assertThat(pendingUploads(own)).containsExactly("other-app/upload");
    }

    private List<String> pendingUploads(ArtifactStore own) {
        return s3.listMultipartUploads(b -> b.bucket(own.bucket())).uploads().stream().map(MultipartUpload::key).toList();
    }

    /** {@code bytes}, of which those from {@code offset} on arrive once {@code rest} is counted down. */
    private static InputStream pausedAfter(byte[] bytes, int offset, CountDownLatch rest) {
        return pausedAfter(bytes, offset, rest, new CountDownLatch(1));
    }

    /** ...and which counts {@code paused} down when the reader reaches {@code offset}. */
    private static InputStream pausedAfter(byte[] bytes, int offset, CountDownLatch rest, CountDownLatch paused) {
        return new SequenceInputStream(new ByteArrayInputStream(bytes, 0, offset), new InputStream() {
            private final InputStream tail = new ByteArrayInputStream(bytes, offset, bytes.length - offset);
            private boolean reached;

            @Override
            public int read() throws IOException {
                awaitRest();
                return tail.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                awaitRest();
                return tail.read(b, off, len);
            }

            private void awaitRest() {
                if (!reached) {
                    reached = true;
                    paused.countDown();
                }
                try {
                    rest.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
    }

    private List<MultipartUpload> pendingUploads(String key) {
        return s3.listMultipartUploads(b -> b.bucket(store.bucket()).prefix(key)).uploads().stream()
                .filter(u -> u.key().equals(key)).toList();
    }

    /** Parts S3 holds of the (one) pending multipart upload of {@code key}. */
    private int partsOf(String key) {
        List<MultipartUpload> uploads = pendingUploads(key);
        if (uploads.isEmpty()) {
            return 0;
        }
        return s3.listParts(b -> b.bucket(store.bucket()).key(key).uploadId(uploads.get(0).uploadId())).parts().size();
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
