package io.rtml.registry.webhook;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * A webhook endpoint on a loopback port (the JDK's HTTP server): records every request it gets and
 * answers with the status its test sets.
 */
final class WebhookReceiver implements AutoCloseable {

    /** One request as it arrived. */
    record Received(String path, String eventId, String eventType, String signature, byte[] body, long receivedAtMillis,
            int answeredWith) {}

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile IntSupplier answer = () -> 200;

    WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status = answer.getAsInt();
            received.add(new Received(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("Rtml-Event-Id"),
                    exchange.getRequestHeaders().getFirst("Rtml-Event-Type"),
                    exchange.getRequestHeaders().getFirst("Rtml-Signature"), body, System.currentTimeMillis(), status));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    /** A URL of its own for one webhook. */
    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Answers every request with {@code status} from now on. */
    void answer(int status) {
        answer = () -> status;
    }

    /** Answers with these statuses in turn, then with the last one. */
    void answer(int... statuses) {
        AtomicInteger next = new AtomicInteger();
        answer = () -> statuses[Math.min(next.getAndIncrement(), statuses.length - 1)];
    }

    /** What arrived at {@code path} about the event. */
    List<Received> of(String path, long eventId) {
        return received.stream().filter(r -> r.path().equals(path) && String.valueOf(eventId).equals(r.eventId()))
                .toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
