package io.rtml.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The registry as its users run it: {@code java -jar registry-api-*-exec.jar} in a child JVM of its
 * own, so its heap limit, JIT and GC are its own and nothing of the benchmark leaks into it. Its
 * output goes to a log file in the benchmark's work folder.
 */
final class RegistryProcess {

    private final Process process;
    private final URI base;
    private final Path log;
    private final Path spoolDir;

    private RegistryProcess(Process process, URI base, Path log, Path spoolDir) {
        this.process = process;
        this.base = base;
        this.log = log;
        this.spoolDir = spoolDir;
    }

    /** The runnable jar: {@code -Drtml.bench.registry-jar=…}, else registry-api/target/registry-api-*-exec.jar. */
    static Path execJar(Path repo) {
        String configured = System.getProperty("rtml.bench.registry-jar");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath();
        }
        Path target = repo.resolve("registry-api/target");
        if (Files.isDirectory(target)) {
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "registry-api-*-exec.jar")) {
                for (Path jar : jars) {
                    return jar;
                }
            } catch (IOException e) {
                throw new BenchmarkFailure("cannot list " + target, e);
            }
        }
        throw new BenchmarkFailure("no registry-api/target/registry-api-*-exec.jar under " + repo
                + ": build it first (./mvnw -q -pl registry-api -am package -DskipTests), and run from the repository root"
                + " or pass -Drtml.repo=DIR");
    }

    /**
     * Starts the registry and waits until {@code /actuator/health} is UP.
     *
     * @param jvmArgs options of the child JVM, e.g. {@code -Xmx256m}
     * @param appArgs Spring Boot arguments ({@code --name=value})
     * @param env extra environment of the child
     */
    static RegistryProcess start(Path repo, Path workDir, List<String> jvmArgs, List<String> appArgs, Map<String, String> env,
            String token, Cleanup cleanup) throws IOException, InterruptedException {
        // A copy of its own: a rebuild of registry-api while the benchmark runs must not change the jar under it.
        Path jar = Files.copy(execJar(repo), workDir.resolve("registry-api-exec.jar"));
        int port = freePort();
        Path log = workDir.resolve("registry.log");
        Path spoolDir = workDir.resolve("registry-spool");
        Files.createDirectories(spoolDir);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(jar.toString());
        command.add("--server.port=" + port);
        // A folder of this run's own, so the benchmark can watch the spool and nothing else's uploads land there.
        command.add("--rtml.registry.upload.spool-dir=" + spoolDir);
        command.addAll(appArgs);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        builder.environment().put("RTML_SECURITY_BOOTSTRAP_ADMIN_TOKEN", token);
        builder.environment().put("LOCPATH", repo.resolve("target/locale").toString());
        System.out.println("starting registry: " + String.join(" ", redactSecrets(command)));
        Process process = builder.start();
        RegistryProcess registry = new RegistryProcess(process, URI.create("http://127.0.0.1:" + port), log, spoolDir);
        cleanup.add("stop the registry (pid " + process.pid() + ")", registry::stop);
        return registry;
    }

    /** Polls the health endpoint until it answers UP; fails early if the process dies. */
    void awaitHealthy(RegistryClient api, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new BenchmarkFailure("the registry exited with status " + process.exitValue() + " while starting; "
                        + "last lines of " + log + ":\n" + tail(40));
            }
            try {
                var response = api.get("/actuator/health");
                String body = new String(response.body(), StandardCharsets.UTF_8);
                if (response.statusCode() == 200 && body.contains("\"status\":\"UP\"")) {
                    return;
                }
                last = response.statusCode() + " " + body;
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new BenchmarkFailure("the registry was not healthy after " + timeout + " (last answer: " + last
                + "); last lines of " + log + ":\n" + tail(40));
    }

    URI base() {
        return base;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    Path spoolDir() {
        return spoolDir;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** A line of /proc/PID/status, e.g. VmHWM (peak resident memory); null where there is no /proc. */
    String procStatus(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith(field + ":")) {
                    return line.substring(field.length() + 1).trim();
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** Stops the registry; with {@code -Drtml.bench.keep-log=FILE} its log is kept there (the work folder is deleted). */
    void stop() throws InterruptedException, IOException {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM: Spring's graceful shutdown
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        String keep = System.getProperty("rtml.bench.keep-log");
        if (keep != null && Files.exists(log)) {
            Files.copy(log, Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static List<String> redactSecrets(List<String> command) {
        return command.stream().map(arg -> arg.startsWith("--rtml.s3.secret-key=") ? "--rtml.s3.secret-key=***" : arg).toList();
    }
}
