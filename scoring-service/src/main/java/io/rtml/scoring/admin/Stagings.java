package io.rtml.scoring.admin;

import io.rtml.scoring.admin.AdminRequests.StageRequest;
import io.rtml.scoring.admin.AdminResponses.Staged;
import io.rtml.scoring.admin.AdminResponses.StillStaging;
import io.rtml.scoring.http.ApiException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The stages running on this node, by service and version. Identical calls share one stage. A
 * caller may wait a bounded time and hear "still staging" (the deployer then asks again), so no
 * HTTP request stays open for the length of a download. An outcome that nobody was waiting for
 * when it came (it ended between two such calls) is kept for the next identical call, for a minute
 * at most, so that the deployer learns it instead of starting the stage over.
 */
final class Stagings {

    private static final Executor EXPIRY = CompletableFuture.delayedExecutor(1, TimeUnit.MINUTES);

    private record Entry(String key, String service, int version, String sha256, CompletableFuture<Staged> result) {}

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    /**
     * @param loaded answers a request from memory when the version is loaded (null otherwise)
     * @param start starts the real stage
     * @param wait how long to wait for the outcome; null = until it comes
     * @return a {@link Staged}, or {@link StillStaging} when {@code wait} ran out first
     */
    CompletableFuture<Object> stage(StageRequest r, Duration wait, Function<StageRequest, Staged> loaded,
            Function<StageRequest, CompletableFuture<Staged>> start) {
        String key = key(r.service(), r.version());
        Entry entry = entries.get(key);
        if (entry != null && !entry.sha256().equals(r.sha256()) && !entry.result().isDone()) {
            throw new ApiException(409, "version " + r.version() + " of '" + r.service()
                    + "' is being staged with sha-256 " + entry.sha256());
        }
        boolean unseenOutcome = entry != null && entry.sha256().equals(r.sha256())
                && (!entry.result().isDone() || entry.result().isCompletedExceptionally() || loaded.apply(r) != null);
        if (unseenOutcome) {
            return answer(entry, wait);
        }
        Staged fromMemory = loaded.apply(r);
        if (fromMemory != null) {
            return CompletableFuture.completedFuture(fromMemory);
        }
        Entry mine = new Entry(key, r.service(), r.version(), r.sha256(), new CompletableFuture<>());
        Entry current = entries.compute(key, (k, old) -> old != null && !old.result().isDone() ? old : mine);
        if (current != mine) {
            return stage(r, wait, loaded, start); // another call started it a moment ago
        }
        mine.result().whenComplete((staged, error) -> EXPIRY.execute(() -> entries.remove(key, mine)));
        try {
            start.apply(r).whenComplete((staged, error) -> {
                if (error == null) {
                    mine.result().complete(staged);
                } else {
                    mine.result().completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            mine.result().completeExceptionally(e); // e.g. the node is stopping
        }
        return answer(mine, wait);
    }

    /** True while {@code service}/{@code version} is staging (activate answers 409 then). */
    boolean running(String service, int version) {
        Entry entry = entries.get(key(service, version));
        return entry != null && !entry.result().isDone();
    }

    private CompletableFuture<Object> answer(Entry entry, Duration wait) {
        CompletableFuture<Object> answer = entry.result().thenApply(staged -> staged);
        if (wait != null) {
            answer.completeOnTimeout(new StillStaging(entry.service(), entry.version(), "STAGING"), wait.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        answer.whenComplete((value, error) -> {
            if (!(value instanceof StillStaging)) {
                entries.remove(entry.key(), entry); // the outcome reached a caller
            }
        });
        return answer;
    }

    private static String key(String service, int version) {
        return service + "/" + version;
    }
}
