package io.rtml.scoring;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny artifact host standing in for presigned S3 URLs: serves byte arrays by path and counts
 * downloads, so tests can tell a cache hit from a download. Surefire runs with
 * {@code -Dsun.net.httpserver.nodelay=true}.
 */
final class ArtifactServer implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final AtomicInteger downloads = new AtomicInteger();
    private volatile CountDownLatch hold;

    ArtifactServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "artifact-server");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", exchange -> {
            CountDownLatch gate = hold;
            if (gate != null) {
                try {
                    gate.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = files.get(exchange.getRequestURI().getPath());
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                downloads.incrementAndGet();
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
    }

    /** Publishes bytes and returns their URL (with a query, as a presigned URL has). */
    String put(String name, byte[] bytes) {
        files.put("/" + name, bytes);
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + name + "?X-Amz-Signature=test";
    }

    /** Downloads wait from now on until {@link #release()}: a stage that takes as long as a test needs. */
    void hold() {
        hold = new CountDownLatch(1);
    }

    void release() {
        CountDownLatch gate = hold;
        hold = null;
        if (gate != null) {
            gate.countDown();
        }
    }

    int downloads() {
        return downloads.get();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
