package io.rtml.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A deployer as its users run it: {@code java -jar deployer-*-exec.jar} in a child JVM, from a copy
 * of the jar, its output in a log file of the run.
 */
final class DeployerProcess {

    private final Process process;
    private final Path log;

    private DeployerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** The runnable jar: {@code -Drtml.bench.deployer-jar=…}, else deployer/target/deployer-*-exec.jar. */
    static Path execJar(Path repo) {
        String configured = System.getProperty("rtml.bench.deployer-jar");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath();
        }
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(repo.resolve("deployer/target"),
                "deployer-*-exec.jar")) {
            for (Path jar : jars) {
                return jar;
            }
        } catch (IOException e) {
            // reported below
        }
        throw new BenchmarkFailure("no deployer/target/deployer-*-exec.jar under " + repo
                + ": build it first (./mvnw -q -pl deployer -am package -DskipTests)");
    }

    static DeployerProcess start(Path repo, Path workDir, List<String> jvmArgs, List<String> appArgs, Cleanup cleanup)
            throws IOException {
        return start(execJar(repo), "deployer", workDir, jvmArgs, appArgs, cleanup);
    }

    /** As above, from {@code execJar}, copied to and logging into {@code name}-exec.jar and {@code name}.log. */
    static DeployerProcess start(Path execJar, String name, Path workDir, List<String> jvmArgs, List<String> appArgs,
            Cleanup cleanup) throws IOException {
        Path jar = Files.copy(execJar, workDir.resolve(name + "-exec.jar"));
        Path log = workDir.resolve(name + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(jar.toString());
        try (ServerSocket socket = new ServerSocket(0)) {
            command.add("--server.port=" + socket.getLocalPort());
        }
        command.addAll(appArgs);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        System.out.println(name + " started (pid " + process.pid() + ", " + execJar + "), log " + log);
        DeployerProcess deployer = new DeployerProcess(process, log);
        cleanup.add("stop the deployer (pid " + process.pid() + ")", deployer::stop);
        return deployer;
    }

    /** Waits for the deployer's "Started" line; fails if it exits first. */
    void awaitStarted(long seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new BenchmarkFailure("the deployer exited while starting; see " + log);
            }
            if (Files.readString(log).contains("Started DeployerApplication")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new BenchmarkFailure("the deployer did not start within " + seconds + " s; see " + log);
    }

    /**
     * Freezes ({@code SIGSTOP}) or thaws ({@code SIGCONT}) the process: a frozen deployer claims
     * nothing and takes no CPU, while another deployer under test has its turn (Linux and macOS).
     */
    void freeze(boolean frozen) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", frozen ? "-STOP" : "-CONT", Long.toString(process.pid()))
                .redirectErrorStream(true).start();
        if (kill.waitFor() != 0) {
            throw new BenchmarkFailure("kill " + (frozen ? "-STOP " : "-CONT ") + process.pid() + " failed: "
                    + new String(kill.getInputStream().readAllBytes()));
        }
    }

    /** Stops it as its users would (SIGTERM, then a kill after 30 s); once stopped, does nothing. */
    void stop() throws InterruptedException {
        if (process.isAlive()) {
            try {
                freeze(false); // a frozen process does not act on SIGTERM
            } catch (IOException | RuntimeException e) {
                // best effort: destroyForcibly below ends it anyway
            }
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
