package io.rtml.deployer;

import com.sun.net.httpserver.HttpServer;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/**
 * Run in a child JVM by {@link CommonPoolTest}: what the deployer's {@code main} does first, then
 * 100 asynchronous calls as the node client makes them (its own callback pool), one after the
 * other; prints how many threads the JVM started meanwhile.
 */
public final class CommonPoolProbe {

    private CommonPoolProbe() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("tuned")) {
            DeployerApplication.commonPoolOfTwoAtLeast();
        }
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write("{}".getBytes());
            exchange.close();
        });
        server.setExecutor(Executors.newSingleThreadExecutor());
        server.start();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(2)).build();
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()); // connection and threads made once
        long before = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
        List<CompletableFuture<?>> answers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            answers.add(http.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                    .thenApply(HttpResponse::body));
            answers.get(answers.size() - 1).join();
        }
        long started = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - before;
        System.out.println("threads started: " + started);
        server.stop(0);
        System.exit(0);
    }
}
