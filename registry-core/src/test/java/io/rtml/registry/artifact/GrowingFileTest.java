package io.rtml.registry.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The follower of a spool file reads what is written, and never its last byte before the release. */
class GrowingFileTest {

    private static final Duration SETTLE = Duration.ofMillis(300);

    @TempDir
    Path dir;

    @Test
    void followsTheWriterAndHoldsBackTheLastByteUntilReleased() throws Exception {
        byte[] bytes = "0123456789".getBytes();
        Path file = dir.resolve("upload.onnx");
        GrowingFile growing = new GrowingFile(file, bytes.length);
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> readAll(growing));

        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(bytes, 0, 4);
            growing.accept(4);
            out.write(bytes, 4, 6);
            growing.accept(10);
        }

        // A reader that could finish would have finished within this time.
        await().during(SETTLE).atMost(SETTLE.multipliedBy(3)).until(() -> !read.isDone());
        growing.release();
        assertThat(read.get()).isEqualTo(bytes);
        assertThat(readAll(growing)).as("a retry reads from the start").isEqualTo(bytes);
    }

    @Test
    void abandoningFailsTheReaderForGood() throws Exception {
        Path file = Files.write(dir.resolve("upload.onnx"), new byte[8]);
        GrowingFile growing = new GrowingFile(file, 8);
        growing.accept(8);
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> readAll(growing));

        growing.abandon();
        growing.release();

        assertThatThrownBy(read::get).isInstanceOf(ExecutionException.class)
                .hasMessageContaining("abandoned before it passed its checks");
        assertThatThrownBy(() -> growing.follow().read()).isInstanceOf(IllegalStateException.class);
    }

    private static byte[] readAll(GrowingFile growing) {
        try (InputStream in = growing.follow()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
