package io.rtml.scoring.artifact;

import io.rtml.scoring.http.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model files on local disk, named by their sha-256, so a version staged again (or reloaded after a
 * restart) is not downloaded again. A download streams to a temporary file while hashing, and only
 * a file whose size and sha-256 match is moved into place; nothing else is ever left behind.
 * The files are kept within a size budget: {@link #evict} deletes the least recently used ones that
 * no loaded version needs and no stage has {@linkplain #pin pinned}.
 */
public final class ArtifactCache {

    private static final Logger log = LoggerFactory.getLogger(ArtifactCache.class);
    private static final int CHUNK = 64 * 1024;

    /** Where a verified file lies, and whether this call had to download it. */
    public record CachedArtifact(Path file, boolean downloaded) {}

    private final Path dir;
    private final HttpClient http;
    private final Duration timeout;
    private final long budgetBytes;
    /** Stages in progress per sha-256: their files are not evicted, even before they exist. */
    private final Map<String, Integer> pins = new HashMap<>();

    public ArtifactCache(Path dir, Duration timeout, long budgetBytes) {
        this.dir = dir;
        this.timeout = timeout;
        this.budgetBytes = budgetBytes;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create artifact cache " + dir, e);
        }
    }

    public Path pathFor(String sha256) {
        return dir.resolve(sha256 + ".onnx");
    }

    /** The verified local file for {@code sha256}, downloading it from {@code url} when needed. */
    public CachedArtifact fetch(URI url, String sha256, long sizeBytes) {
        Path target = pathFor(sha256);
        if (Files.exists(target)) {
            if (verifies(target, sha256, sizeBytes)) {
                touch(target);
                return new CachedArtifact(target, false);
            }
            log.warn("cached artifact {} does not verify; downloading it again", target.getFileName());
        }
        download(url, sha256, sizeBytes, target);
        return new CachedArtifact(target, true);
    }

    /** Keeps the file of {@code sha256} from eviction until as many {@link #release} calls; call before {@link #fetch}. */
    public synchronized void pin(String sha256) {
        pins.merge(sha256, 1, Integer::sum);
    }

    public synchronized void release(String sha256) {
        pins.computeIfPresent(sha256, (k, n) -> n == 1 ? null : n - 1);
    }

    /**
     * Deletes cached files, least recently used first, until the cache fits its budget, sparing those
     * in {@code keep} (the versions loaded, active or standby) and those pinned (staging). What is
     * spared may hold the cache over budget: disk is never a reason to drop a version in use.
     *
     * @return the sha-256 of each file deleted
     */
    public synchronized List<String> evict(Set<String> keep) {
        List<Cached> files = cachedFiles();
        long total = files.stream().mapToLong(Cached::bytes).sum();
        List<String> evicted = new ArrayList<>();
        for (Cached file : files) {
            if (total <= budgetBytes) {
                break;
            }
            if (keep.contains(file.sha256()) || pins.containsKey(file.sha256())) {
                continue;
            }
            try {
                Files.deleteIfExists(file.path());
                total -= file.bytes();
                evicted.add(file.sha256());
            } catch (IOException e) {
                log.warn("could not evict {}: {}", file.path().getFileName(), e.getMessage());
            }
        }
        if (!evicted.isEmpty()) {
            log.info("evicted artifacts sha256={} cacheBytes={} budgetBytes={}", evicted, total, budgetBytes);
        }
        return evicted;
    }

    private record Cached(Path path, String sha256, long bytes, FileTime used) {}

    /** The verified files (not downloads in progress), least recently used first. */
    private List<Cached> cachedFiles() {
        List<Cached> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path path : (Iterable<Path>) list::iterator) {
                String name = path.getFileName().toString();
                if (name.endsWith(".onnx") && Files.isRegularFile(path)) {
                    files.add(new Cached(path, name.substring(0, name.length() - ".onnx".length()), Files.size(path),
                            Files.getLastModifiedTime(path)));
                }
            }
        } catch (IOException e) {
            log.warn("cannot list the artifact cache {}: {}", dir, e.getMessage());
        }
        files.sort(Comparator.comparing(Cached::used));
        return files;
    }

    /** Marks a file as just used; eviction goes by this time. */
    private static void touch(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            log.debug("cannot touch {}: {}", file, e.getMessage());
        }
    }

    /** True when the file exists with exactly this size and sha-256. */
    public boolean verifies(Path file, String sha256, long sizeBytes) {
        try (InputStream in = Files.newInputStream(file)) {
            if (Files.size(file) != sizeBytes) {
                return false;
            }
            MessageDigest digest = sha256();
            byte[] buf = new byte[CHUNK];
            int n;
            while ((n = in.read(buf)) > 0) {
                digest.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest()).equals(sha256);
        } catch (IOException e) {
            return false;
        }
    }

    private void download(URI url, String sha256, long sizeBytes, Path target) {
        String where = url.getScheme() + "://" + url.getAuthority() + url.getPath(); // no presigned query in logs
        long start = System.nanoTime();
        Path temp = null;
        try {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(url).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new ApiException(502, "artifact download failed: HTTP " + response.statusCode() + " from " + where);
                }
                temp = Files.createTempFile(dir, sha256, ".part");
                MessageDigest digest = sha256();
                long total = 0;
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                        OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
                    byte[] buf = new byte[CHUNK];
                    int n;
                    while ((n = body.read(buf)) > 0) {
                        total += n;
                        if (total > sizeBytes) {
                            throw new ApiException(422, "artifact is larger than the expected " + sizeBytes + " bytes");
                        }
                        digest.update(buf, 0, n);
                        out.write(buf, 0, n);
                    }
                    out.flush();
                    channel.force(true);
                }
                if (total != sizeBytes) {
                    throw new ApiException(422, "artifact size mismatch: expected " + sizeBytes + " bytes, got " + total);
                }
                String actual = HexFormat.of().formatHex(digest.digest());
                if (!actual.equals(sha256)) {
                    throw new ApiException(422, "artifact sha-256 mismatch: expected " + sha256 + ", got " + actual);
                }
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                temp = null;
                log.info("downloaded artifact sha256={} bytes={} from={} millis={}", sha256, total, where,
                        (System.nanoTime() - start) / 1_000_000);
            }
        } catch (IOException e) {
            throw new ApiException(502, "artifact download failed from " + where + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "artifact download interrupted");
        } finally {
            deleteQuietly(temp);
        }
    }

    private static void deleteQuietly(Path temp) {
        if (temp != null) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                log.warn("could not delete {}: {}", temp, e.getMessage());
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
