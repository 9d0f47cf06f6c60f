package io.rtml.local;

import io.rtml.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/rtml-local}, the README's run command, started as a newcomer starts it, but on free
 * ports, with its own data folder and a fresh database so that it can run beside a developer's
 * stack. Its output goes to {@code target/it/<name>.log}.
 */
final class LocalStackProcess implements AutoCloseable {

    static final Path REPO = Path.of(System.getProperty("rtml.repo-root", "..")).toAbsolutePath().normalize();
    /** Generous: on a loaded build machine the registry alone has taken over two minutes to start. */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(6);

    private static LocalStackProcess shared;

    final Path home;
    final int registryPort;
    final int firstNodePort;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path log;
    private Process process;

    /** {@code command} runs {@code bin/rtml-local} in {@code REPO}, maybe through a wrapper such as unshare. */
    LocalStackProcess(String name, Path home, List<String> command, Map<String, String> environment,
            int registryPort, int firstNodePort) {
        this.home = home;
        this.command = command;
        this.environment = environment;
        this.registryPort = registryPort;
        this.firstNodePort = firstNodePort;
        this.log = REPO.resolve("local/target/it").resolve(name + ".log");
    }

    /** One stack for all the ITs of this JVM that only add data of their own; stopped when the JVM exits. */
    static synchronized LocalStackProcess shared() {
        if (shared == null) {
            try {
                shared = onFreePorts("rtml-local", Files.createTempDirectory("rtml-home"), TestDatabase.get());
                shared.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    private static LocalStackProcess onFreePorts(String name, Path home, TestDatabase.Connection database) {
        int registryPort = freePorts(1);
        int firstNodePort = freePorts(3);
        Map<String, String> env = new HashMap<>(Map.of(
                "RTML_HOME", home.toString(),
                "SERVER_PORT", String.valueOf(registryPort),
                "RTML_LOCAL_S3_PORT", String.valueOf(freePorts(1)),
                "RTML_LOCAL_DEPLOYER_PORT", String.valueOf(freePorts(1)),
                "RTML_LOCAL_NODE_PORT", String.valueOf(firstNodePort),
                "SPRING_DATASOURCE_URL", database.jdbcUrl(),
                "SPRING_DATASOURCE_USERNAME", database.username(),
                "SPRING_DATASOURCE_PASSWORD", database.password(),
                // Live figures within seconds for the gallery's rollout view (GalleryBrowserIT).
                "RTML_DEPLOYER_TELEMETRY_INTERVAL", "1s"));
        return new LocalStackProcess(name, home, List.of(REPO.resolve("bin/rtml-local").toString()), env,
                registryPort, firstNodePort);
    }

    void start() throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.remove("SPRING_DATASOURCE_URL");
        env.put("RTML_SKIP_BUILD", "1");
        env.put("RTML_JAVA_OPTS", "-Xmx768m");
        env.putAll(environment);
        process = builder.start();
        awaitRunning();
    }

    long pid() {
        return process.pid();
    }

    private void awaitRunning() throws IOException {
        CompletableFuture<Void> running = new CompletableFuture<>();
        Thread pump = new Thread(() -> copyOutput(running), "rtml-local-output");
        pump.setDaemon(true);
        pump.start();
        try {
            running.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw new IllegalStateException("bin/rtml-local did not print its welcome (" + e
                    + "); its output is in " + log + ":\n" + tail());
        }
    }

    private void copyOutput(CompletableFuture<Void> running) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter file = new PrintWriter(Files.newBufferedWriter(log), true)) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                file.println(line);
                if (line.startsWith("  admin token")) { // the last line of the welcome
                    running.complete(null);
                }
            }
            running.completeExceptionally(new IllegalStateException("exited with " + process.waitFor()));
        } catch (IOException | InterruptedException e) {
            running.completeExceptionally(e);
        }
    }

    String api() {
        return "http://127.0.0.1:" + registryPort;
    }

    String node(int index) {
        return "http://127.0.0.1:" + (firstNodePort + index);
    }

    String adminToken() {
        try {
            return Files.readString(home.resolve("admin-token")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    private String tail() {
        String all = output();
        return all.substring(Math.max(0, all.length() - 4000));
    }

    /** Ctrl-C: SIGINT to the JVM (the launcher execs it), as a terminal sends it. Returns the exit code. */
    int interrupt() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).inheritIO().start().waitFor();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("bin/rtml-local did not stop within 60 s of SIGINT:\n" + tail());
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The first of {@code count} consecutive ports that are free now. */
    static int freePorts(int count) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(20_000, 40_000);
            if (allFree(first, count)) {
                return first;
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free ports found");
    }

    private static boolean allFree(int first, int count) {
        for (int port = first; port < first + count; port++) {
            try (ServerSocket ignored = new ServerSocket(port)) {
                ignored.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
