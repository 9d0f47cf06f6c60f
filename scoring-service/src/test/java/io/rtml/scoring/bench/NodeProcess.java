package io.rtml.scoring.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A scoring node in a JVM of its own, with a heap limit of the caller's choosing, plus an artifact
 * host serving one file from disk: what a test or benchmark needs to see what staging a large model
 * costs the node (its GC log for the heap, /proc for the resident set).
 */
public final class NodeProcess implements AutoCloseable {

    public static final String TOKEN = "node-process-token";
    private static final Pattern GC_PAUSE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    /** A stage or infer answer: status and body. */
    public record Answer(int status, String body) {}

    private final Process process;
    private final int port;
    private final Path gcLog;
    private final HttpServer artifacts;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private NodeProcess(Process process, int port, Path gcLog, HttpServer artifacts) {
        this.process = process;
        this.port = port;
        this.gcLog = gcLog;
        this.artifacts = artifacts;
    }

    /** Starts a node with {@code -Xmx{maxHeap}} and data in {@code dataDir}, and waits until it is ready. */
    public static NodeProcess start(Path dataDir, String maxHeap) throws IOException, InterruptedException {
        int port = freePort();
        Path gcLog = dataDir.resolve("gc.log");
        Path argFile = dataDir.resolve("java.args");
        // An @argfile: ONNX Runtime 1.29 crashes when the command line is over ~4 KB.
        Files.writeString(argFile, "-cp \"" + classpath().replace("\\", "\\\\") + "\"\n");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-Xlog:gc:file=" + gcLog, "@" + argFile));
        Map.of("rtml.scoring.port", String.valueOf(port), "rtml.scoring.bind-address", "127.0.0.1",
                "rtml.scoring.admin-token", TOKEN, "rtml.scoring.data-dir", dataDir.resolve("node").toString(),
                "rtml.scoring.io-threads", "1")
                .forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("io.rtml.scoring.ScoringNode");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("node.log").toFile());
        builder.environment().put("ORT_DISABLE_TELEMETRY", "1");
        HttpServer artifacts = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        artifacts.start();
        NodeProcess node = new NodeProcess(builder.start(), port, gcLog, artifacts);
        node.awaitReady(dataDir.resolve("node.log"));
        return node;
    }

    /** Serves {@code file} and returns its URL. */
    public String serve(Path file) {
        String path = "/" + file.getFileName();
        artifacts.createContext(path, exchange -> {
            exchange.sendResponseHeaders(200, Files.size(file));
            try (OutputStream out = exchange.getResponseBody()) {
                Files.copy(file, out);
            }
            exchange.close();
        });
        return "http://127.0.0.1:" + artifacts.getAddress().getPort() + path;
    }

    /** Stages the model at {@code url} and waits for the outcome (asking again while the node says 202). */
    public Answer stage(String service, int version, String url, String sha256, long sizeBytes) throws Exception {
        String body = "{\"service\":\"" + service + "\",\"version\":" + version + ",\"versionId\":\"" + service + "-"
                + version + "\",\"artifactUrl\":\"" + url + "\",\"sha256\":\"" + sha256 + "\",\"sizeBytes\":" + sizeBytes
                + ",\"waitMillis\":20000}";
        while (true) {
            Answer answer = send("/admin/v1/stage", body, true);
            if (answer.status() != 202) {
                return answer;
            }
        }
    }

    public Answer activate(String service, int version) throws Exception {
        return send("/admin/v1/activate", "{\"service\":\"" + service + "\",\"version\":" + version + "}", true);
    }

    public Answer infer(String service, String body) throws Exception {
        return send("/v2/models/" + service + "/infer", body, false);
    }

    /** The most memory the process has had resident (VmHWM), in MiB. */
    public long peakRssMib() throws IOException {
        return procStatusKib("VmHWM") / 1024;
    }

    /** Resident memory now, in MiB: anonymous (heap, native allocations) and file-backed (mapped files). */
    public String rssNow() throws IOException {
        return "anonymous " + procStatusKib("RssAnon") / 1024 + " MiB, file-backed " + procStatusKib("RssFile") / 1024 + " MiB";
    }

    /** The largest heap occupancy any GC found before collecting, in MiB (0 when no GC ran). */
    public long peakHeapBeforeGcMib() throws IOException {
        long peak = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC_PAUSE.matcher(line);
            if (m.find()) {
                peak = Math.max(peak, Long.parseLong(m.group(1)));
            }
        }
        return peak;
    }

    public long gcCount() throws IOException {
        return Files.readAllLines(gcLog).stream().filter(line -> GC_PAUSE.matcher(line).find()).count();
    }

    public boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        artifacts.stop(0);
    }

    private Answer send(String path, String body, boolean admin) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofMinutes(2)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (admin) {
            request.header("Authorization", "Bearer " + TOKEN);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    private void awaitReady(Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the node exited: " + Files.readString(log));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/v2/health/ready")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the node was not ready within 120 s: " + Files.readString(log));
    }

    private long procStatusKib(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IOException(field + " not in /proc/" + process.pid() + "/status");
    }

    /** The classpath this JVM runs with; under exec:java that is the class loader's, not java.class.path. */
    private static String classpath() {
        if (Thread.currentThread().getContextClassLoader() instanceof URLClassLoader loader && loader.getURLs().length > 0) {
            List<String> paths = new ArrayList<>();
            for (URL url : loader.getURLs()) {
                paths.add(Path.of(URI.create(url.toString())).toString());
            }
            return paths.stream().collect(Collectors.joining(java.io.File.pathSeparator));
        }
        return System.getProperty("java.class.path");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
