package io.rtml.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of the test's own, on a free port, that a test may stop and start again to
 * see what a service does without its database; never the shared server on 5432. Built from the
 * Debian packages' binaries ({@code /usr/lib/postgresql/<version>/bin}); run as user postgres when
 * the tests run as root, since PostgreSQL refuses to run as root.
 */
public final class ThrowawayPostgres implements AutoCloseable {

    private final Path bin;
    private final Path dataDir;
    private final int port;

    private ThrowawayPostgres(Path bin, Path dataDir, int port) {
        this.bin = bin;
        this.dataDir = dataDir;
        this.port = port;
    }

    /** Whether this machine has the binaries {@link #start()} needs. */
    public static boolean available() {
        return binaries() != null;
    }

    public static ThrowawayPostgres start() {
        Path bin = binaries();
        if (bin == null) {
            throw new IllegalStateException("no /usr/lib/postgresql/<version>/bin/initdb on this machine");
        }
        try {
            Path dataDir = Files.createTempDirectory("rtml-throwaway-pg");
            if (asRoot()) {
                run(List.of("chown", "postgres", dataDir.toString()), false);
            }
            ThrowawayPostgres server = new ThrowawayPostgres(bin, dataDir, freePort());
            server.pg("initdb", "-D", dataDir.resolve("data").toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8");
            server.resume();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** Stops the server the fast way: open connections are cut, new ones are refused. */
    public void stop() {
        pg("pg_ctl", "-D", dataDir.resolve("data").toString(), "-m", "fast", "-w", "stop");
    }

    /** Starts it again (or the first time), waiting until it accepts connections. */
    public void resume() {
        pg("pg_ctl", "-D", dataDir.resolve("data").toString(), "-w", "-l", dataDir.resolve("log").toString(),
                "-o", "-p " + port + " -k " + dataDir + " -c listen_addresses=127.0.0.1", "start");
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (RuntimeException alreadyStopped) {
            // nothing to stop
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder; the OS cleans it eventually
        }
    }

    private void pg(String program, String... args) {
        List<String> command = new ArrayList<>();
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(args));
        run(command, asRoot());
    }

    private static void run(List<String> command, boolean asPostgres) {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        try {
            Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", full) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> b.getParent().getFileName().toString()))
                    .orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean asRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
