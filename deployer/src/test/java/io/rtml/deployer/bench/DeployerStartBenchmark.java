package io.rtml.deployer.bench;

import io.rtml.deployer.support.Deployers;
import io.rtml.testing.TestDatabase;
import io.rtml.testing.TestS3;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Start time of the deployer as users run it ({@code java -jar deployer-*-exec.jar}, a child JVM),
 * against real PostgreSQL (this JVM's migrated test database) and the embedded S3 server: from
 * process start to the "Started DeployerApplication" log line and to the first 200 from
 * {@code /actuator/health}. Several jars (label=path) are started in turn, interleaved, so that
 * they share the machine's state; prints the jar sizes and the medians.
 *
 * <pre>./mvnw -q -f deployer/pom.xml test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.rtml.deployer.bench.DeployerStartBenchmark \
 *     -Dexec.args="5 before=/path/deployer-before-exec.jar after=deployer/target/deployer-0.1.0-SNAPSHOT-exec.jar"</pre>
 */
public final class DeployerStartBenchmark {

    private record Start(long startedMs, long healthyMs) {}

    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        Map<String, Path> jars = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] labelAndPath = args[i].split("=", 2);
            jars.put(labelAndPath[0], Path.of(labelAndPath[1]).toAbsolutePath());
        }
        TestDatabase.Connection db = Deployers.database();
        var s3 = TestS3.server();
        Map<String, List<Start>> starts = new LinkedHashMap<>();
        jars.keySet().forEach(label -> starts.put(label, new ArrayList<>()));
        for (int run = 0; run < runs; run++) {
            for (Map.Entry<String, Path> jar : jars.entrySet()) {
                starts.get(jar.getKey()).add(start(jar.getValue(), List.of(
                        "--spring.datasource.url=" + db.jdbcUrl(),
                        "--spring.datasource.username=" + db.username(),
                        "--spring.datasource.password=" + db.password(),
                        "--rtml.s3.endpoint=" + s3.endpoint(),
                        "--rtml.s3.bucket=" + TestS3.BUCKET,
                        "--rtml.s3.access-key=" + s3.accessKey(),
                        "--rtml.s3.secret-key=" + s3.secretKey())));
            }
        }
        System.out.println("| jar | size (bytes) | started (median ms) | /actuator/health 200 (median ms) | runs |");
        System.out.println("|---|---:|---:|---:|---|");
        for (Map.Entry<String, Path> jar : jars.entrySet()) {
            List<Start> s = starts.get(jar.getKey());
            System.out.printf("| %s | %d | %d | %d | %s |%n", jar.getKey(), Files.size(jar.getValue()),
                    median(s.stream().mapToLong(Start::startedMs).toArray()),
                    median(s.stream().mapToLong(Start::healthyMs).toArray()), s);
        }
        System.exit(0);
    }

    private static Start start(Path jar, List<String> settings) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of("java", "-jar", jar.toString(), "--server.port=" + port));
        command.addAll(settings);
        long t0 = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<Long> started = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.contains("Started DeployerApplication")) {
                        started.complete((System.nanoTime() - t0) / 1_000_000);
                    }
                }
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long healthy = -1;
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    healthy = (System.nanoTime() - t0) / 1_000_000;
                    break;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(10);
        }
        long startedMs = started.get(30, TimeUnit.SECONDS);
        process.destroy();
        process.waitFor(30, TimeUnit.SECONDS);
        if (healthy < 0) {
            throw new IllegalStateException(jar + " never answered /actuator/health with 200");
        }
        return new Start(startedMs, healthy);
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
