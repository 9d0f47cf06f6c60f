package io.rtml.deployer.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP hop in front of a real scoring node that forwards every call, counts admin calls by
 * path, and on demand refuses activations (503), holds stage calls until released, or goes silent
 * (every call, held ones included, waits forever on an open connection: a host that died without
 * closing its sockets): the faults a network or a dying node produce, at the step a test needs.
 */
public final class FaultProxy implements AutoCloseable {

    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String upstream;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private volatile boolean refuseActivate;
    private volatile boolean refuseRemove;
    private volatile CountDownLatch stageGate;
    private volatile CountDownLatch stageArrived = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean silent;

    public FaultProxy(String upstream) throws IOException {
        this.upstream = upstream;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fault-proxy");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void refuseActivate(boolean refuse) {
        refuseActivate = refuse;
    }

    public void refuseRemove(boolean refuse) {
        refuseRemove = refuse;
    }

    /** From now on stage calls wait until {@link #releaseStages()}; {@link #awaitStageArrived} waits for the next one. */
    public void holdStages() {
        stageArrived = new CountDownLatch(1);
        stageGate = new CountDownLatch(1);
    }

    /** From now on nothing is answered, not even the calls already held: they wait until {@link #close()}. */
    public void goSilent() {
        silent = true;
        releaseStages();
    }

    public void releaseStages() {
        CountDownLatch gate = stageGate;
        stageGate = null;
        if (gate != null) {
            gate.countDown();
        }
    }

    public boolean awaitStageArrived(long seconds) throws InterruptedException {
        return stageArrived.await(seconds, TimeUnit.SECONDS);
    }

    public int calls(String path) {
        AtomicInteger n = calls.get(path);
        return n == null ? 0 : n.get();
    }

    /** Calls to {@code path} that the node answered with {@code status} (a stage is 202 until it is done). */
    public int answered(String path, int status) {
        return calls(path + " " + status);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        calls.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        try {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (path.equals("/admin/v1/remove") && refuseRemove) {
                reply(exchange, 503, "{\"detail\":\"node going down (fault proxy)\"}");
                return;
            }
            if (path.equals("/admin/v1/activate") && refuseActivate) {
                reply(exchange, 503, "{\"detail\":\"node going down (fault proxy)\"}");
                return;
            }
            if (path.equals("/admin/v1/stage")) {
                stageArrived.countDown();
                CountDownLatch gate = stageGate;
                if (gate != null && !gate.await(60, TimeUnit.SECONDS)) {
                    reply(exchange, 504, "{\"detail\":\"held too long\"}");
                    return;
                }
            }
            if (silent) {
                closed.await();
                return;
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(upstream + exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), body.length == 0
                            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            for (String header : new String[] {"Authorization", "Content-Type"}) {
                String value = exchange.getRequestHeaders().getFirst(header);
                if (value != null) {
                    forward.header(header, value);
                }
            }
            HttpResponse<byte[]> response = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            calls.computeIfAbsent(path + " " + response.statusCode(), p -> new AtomicInteger()).incrementAndGet();
            response.headers().firstValue("Content-Type")
                    .ifPresent(v -> exchange.getResponseHeaders().add("Content-Type", v));
            exchange.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
            if (response.body().length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
            }
        } catch (IOException e) {
            reply(exchange, 502, "{\"detail\":\"upstream unreachable: " + e.getClass().getSimpleName() + "\"}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        closed.countDown();
        releaseStages();
        server.stop(0);
    }
}
