package io.rtml.deployer.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounded prediction load on a {@link GatherModel} service: one client thread per node, one request
 * at a time each (so at most one in flight per node), a random index per request. Counts answers by
 * the version that produced them and by status.
 */
public final class Load implements AutoCloseable {

    private final AtomicBoolean go = new AtomicBoolean(true);
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final Map<String, java.time.Instant> lastAnswer = new ConcurrentHashMap<>();
    private final List<Thread> clients;

    public Load(String service, List<String> baseUrls) {
        clients = baseUrls.stream().map(url -> {
            Thread client = new Thread(() -> run(url, service), "load-" + url);
            client.setDaemon(true);
            client.start();
            return client;
        }).toList();
    }

    private void run(String baseUrl, String service) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        while (go.get()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v2/models/" + service + "/infer"))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            GatherModel.request(ThreadLocalRandom.current().nextInt(GatherModel.INDICES)))).build();
            String key;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                String version = response.headers().firstValue("Rtml-Model-Version").orElse("?");
                lastAnswer.put(version, java.time.Instant.now());
                key = version + " " + response.statusCode();
            } catch (java.io.IOException e) {
                key = "? " + e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                return;
            }
            counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
        }
    }

    /** Answers of {@code version} with {@code status}, so far. */
    public long count(String version, int status) {
        AtomicLong n = counts.get(version + " " + status);
        return n == null ? 0 : n.get();
    }

    /** When the last answer produced by {@code version} arrived (null: none yet). */
    public java.time.Instant lastAnswer(String version) {
        return lastAnswer.get(version);
    }

    /** Every answer so far by "version status". */
    public Map<String, Long> counts() {
        return counts.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                e -> e.getValue().get()));
    }

    @Override
    public void close() throws InterruptedException {
        go.set(false);
        for (Thread client : clients) {
            client.join(10_000);
        }
    }
}
