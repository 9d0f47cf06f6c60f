package io.rtml.registry.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The hashing thread sees every handed-over byte in order, and stops when an upload is given up. */
class Sha256PipelineTest {

    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void shutdown() {
        executor.shutdownNow();
    }

    @Test
    void digestIsTheSha256OfEverythingHandedOverInOrder() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(data);
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        expected.update(data);

        String digest;
        try (Sha256Pipeline pipeline = new Sha256Pipeline(executor, 2, 64 * 1024)) {
            // Uneven pieces, more of them than buffers, so buffers are reused while others are hashed.
            Random sizes = new Random(7);
            for (int offset = 0; offset < data.length; ) {
                byte[] buffer = pipeline.buffer();
                int n = Math.min(1 + sizes.nextInt(buffer.length), data.length - offset);
                System.arraycopy(data, offset, buffer, 0, n);
                pipeline.update(buffer, n);
                offset += n;
            }
            digest = pipeline.finish();
        }

        assertThat(digest).isEqualTo(HexFormat.of().formatHex(expected.digest()));
    }

    @Test
    void anEmptyStreamHasTheDigestOfNoBytes() {
        try (Sha256Pipeline pipeline = new Sha256Pipeline(executor, 2, 16)) {
            assertThat(pipeline.finish()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        }
    }

    @Test
    void closingAnUnfinishedPipelineStopsItsThread() {
        ThreadPoolExecutor pool = (ThreadPoolExecutor) executor;
        Sha256Pipeline pipeline = new Sha256Pipeline(executor, 2, 16);
        byte[] buffer = pipeline.buffer();
        pipeline.update(buffer, 16);
        await().atMost(Duration.ofSeconds(5)).until(() -> pool.getActiveCount() == 1);

        pipeline.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> pool.getActiveCount() == 0);
    }

    @Test
    void aStoppedHashingThreadFailsTheUploadInsteadOfBlockingIt() {
        Sha256Pipeline pipeline = new Sha256Pipeline(executor, 1, 16);
        executor.shutdownNow(); // interrupts the hashing thread

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThatThrownBy(() -> {
            while (true) {
                pipeline.update(pipeline.buffer(), 16);
            }
        }).isInstanceOf(IllegalStateException.class).hasMessageContaining("stopped"));
    }
}
