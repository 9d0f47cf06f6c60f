package io.rtml.registry.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rtml.problem.RtmlException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The PUT that follows an upload gets its bytes in order, the last one only once the upload is released. */
class PutFeedTest {

    @Test
    void thePutGetsEveryByteButTheLastBeforeTheRelease() throws Exception {
        byte[] bytes = pattern(10_000);
        PutFeed feed = new PutFeed(bytes.length, 2, 1024);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        CompletableFuture<Void> put = CompletableFuture.runAsync(() -> copy(feed.open(), sent));

        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int offset = 0; offset < bytes.length; offset += 777) {
                byte[] piece = java.util.Arrays.copyOfRange(bytes, offset, Math.min(bytes.length, offset + 777));
                feed.write(piece, piece.length);
            }
        });
        writer.get(5, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(5)).until(() -> sentSize(sent) == bytes.length - 1);
        await().during(Duration.ofMillis(200)).until(() -> !put.isDone());

        feed.release();
        put.get(5, TimeUnit.SECONDS);
        assertThat(sent.toByteArray()).isEqualTo(bytes);
    }

    @Test
    void anAbandonedFeedFailsThePutAndTheWriter() throws Exception {
        PutFeed feed = new PutFeed(1 << 20, 1, 1024);
        InputStream put = feed.open();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            byte[] chunk = new byte[1024];
            for (int i = 0; i < 100; i++) {
                feed.write(chunk, chunk.length); // nobody reads: blocks on the second chunk
            }
        });
        await().during(Duration.ofMillis(200)).until(() -> !writer.isDone());

        feed.abandon();

        assertThatThrownBy(() -> writer.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(RtmlException.class)
                .hasMessageContaining("stopped taking the upload");
        assertThatThrownBy(() -> put.read(new byte[10], 0, 10)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("abandoned");
    }

    @Test
    void aReleasedFeedIsNotAbandonedAnyMore() throws Exception {
        byte[] bytes = pattern(100);
        PutFeed feed = new PutFeed(bytes.length, 1, 1024);
        feed.write(bytes, bytes.length);
        feed.release();
        feed.abandon();

        assertThat(feed.open().readAllBytes()).isEqualTo(bytes);
    }

    @Test
    void thePutCannotBeSentTwice() {
        PutFeed feed = new PutFeed(10, 1, 1024);
        feed.open();

        assertThatThrownBy(feed::open).isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot be retried");
    }

    @Test
    void bytesBeyondTheDeclaredSizeAreNotSent() throws IOException {
        byte[] bytes = pattern(100);
        PutFeed feed = new PutFeed(60, 2, 32);
        feed.write(bytes, bytes.length);
        feed.release();

        assertThat(feed.open().readAllBytes()).isEqualTo(java.util.Arrays.copyOf(bytes, 60));
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buffer = new byte[300];
        try {
            for (int n; (n = in.read(buffer, 0, buffer.length)) >= 0; ) {
                synchronized (out) {
                    out.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int sentSize(ByteArrayOutputStream out) {
        synchronized (out) {
            return out.size();
        }
    }

    private static byte[] pattern(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 13 + 1);
        }
        return bytes;
    }
}
