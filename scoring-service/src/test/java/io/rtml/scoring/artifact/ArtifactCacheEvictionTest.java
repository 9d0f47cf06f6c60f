package io.rtml.scoring.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache keeps within its budget, least recently used first, and never drops what is in use. */
class ArtifactCacheEvictionTest {

    @TempDir
    Path dir;

    @Test
    void evictsTheLeastRecentlyUsedUnusedFilesUntilTheCacheFits() throws IOException {
        ArtifactCache cache = new ArtifactCache(dir, Duration.ofSeconds(5), 3000);
        put("a", 1);
        put("b", 2);
        put("c", 3);
        put("d", 4);
        put("e", 5);

        assertThat(cache.evict(Set.of("a"))).containsExactly("b", "c");

        assertThat(names()).containsExactlyInAnyOrder("a.onnx", "d.onnx", "e.onnx");
    }

    @Test
    void keepsActiveStandbyAndStagingFilesEvenOverBudget() throws IOException {
        ArtifactCache cache = new ArtifactCache(dir, Duration.ofSeconds(5), 0);
        put("active", 1);
        put("standby", 2);
        put("staging", 3);
        put("old", 4);
        Files.write(dir.resolve("f00d.part"), new byte[1000]); // a download in progress
        cache.pin("staging");

        assertThat(cache.evict(Set.of("active", "standby"))).containsExactly("old");
        assertThat(names()).containsExactlyInAnyOrder("active.onnx", "standby.onnx", "staging.onnx", "f00d.part");

        cache.release("staging");
        assertThat(cache.evict(Set.of("active", "standby"))).containsExactly("staging");
    }

    @Test
    void aFileUsedAgainIsEvictedLast() throws IOException {
        ArtifactCache cache = new ArtifactCache(dir, Duration.ofSeconds(5), 1000);
        put("a", 1);
        Path b = put("b", 2);
        Files.setLastModifiedTime(dir.resolve("a.onnx"), FileTime.fromMillis(System.currentTimeMillis() + 60_000));

        assertThat(cache.evict(Set.of())).containsExactly("b");
        assertThat(b).doesNotExist();
    }

    /** A 1000-byte cached file, used {@code age} minutes after the first. */
    private Path put(String sha256, int minute) throws IOException {
        Path file = Files.write(dir.resolve(sha256 + ".onnx"), new byte[1000]);
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_700_000_000_000L + minute * 60_000L));
        return file;
    }

    private Set<String> names() throws IOException {
        try (var files = Files.list(dir)) {
            return Set.copyOf(files.map(p -> p.getFileName().toString()).toList());
        }
    }
}
