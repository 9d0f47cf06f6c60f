package io.rtml.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Small helpers shared by the benchmarks. */
final class Bench {

    private Bench() {}

    /** Runs a benchmark body; prints why it failed and returns the exit status (0 ok, 1 failed). */
    static int run(String name, Callable<Void> body) {
        try {
            body.call();
            return 0;
        } catch (BenchmarkFailure e) {
            System.err.println(name + " FAILED: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            System.err.println(name + " FAILED with an error:");
            e.printStackTrace();
            return 1;
        }
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** Throughput in MB/s, 1 MB = 10^6 bytes. */
    static double mbPerSecond(long bytes, long nanos) {
        return bytes / 1e6 / seconds(nanos);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static String fmt(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    static String mib(double bytes) {
        return fmt(bytes / (1024.0 * 1024.0), 1) + " MiB";
    }

    /** Flushes dirty pages, so that one measured step does not pay for the previous step's writes. */
    static void syncDisks() throws IOException, InterruptedException {
        Process sync = new ProcessBuilder("sync").inheritIO().start();
        if (sync.waitFor() != 0) {
            throw new IOException("sync exited with " + sync.exitValue());
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest = newSha256();
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) != -1; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * CPU time (user + system) a process has used so far, from /proc/PID/stat in clock ticks of
     * 1/100 s (USER_HZ on Linux); -1 where there is no /proc.
     */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields[0] is field 3 (state); utime and stime are fields 14 and 15
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The 1, 5 and 15 minute load averages of the machine, for the record. */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    static long fileSizeOrZero(Path file) {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Regular files under {@code dir} (0 when it does not exist) that are exactly {@code size} bytes long. */
    static long filesOfSize(Path dir, long size) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> fileSizeOrZero(f) == size).count();
        } catch (IOException | UncheckedIOException e) {
            return 0; // a file vanished while listing: not complete yet
        }
    }
}
