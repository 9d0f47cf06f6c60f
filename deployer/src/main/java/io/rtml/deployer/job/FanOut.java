package io.rtml.deployer.job;

import io.rtml.deployment.LostClaimException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/** Runs one asynchronous node call per target at once and waits for all of them. */
final class FanOut {

    /** The outcome on one target: a value, or the readable reason it failed. */
    record Result<T>(JobTarget target, T value, String error) {

        boolean ok() {
            return error == null;
        }
    }

    private FanOut() {}

    /**
     * Starts every call, then waits for all; an interrupt (the deployer is stopping) becomes a
     * {@link LostClaimException} so that nothing more is written for the job.
     */
    static <T> List<Result<T>> all(List<JobTarget> targets, Function<JobTarget, CompletableFuture<T>> call) {
        Map<JobTarget, CompletableFuture<T>> running = new LinkedHashMap<>();
        for (JobTarget target : targets) {
            CompletableFuture<T> future;
            try {
                future = call.apply(target);
            } catch (RuntimeException e) {
                future = CompletableFuture.failedFuture(e);
            }
            running.put(target, future);
        }
        try {
            CompletableFuture.allOf(running.values().toArray(CompletableFuture[]::new))
                    .exceptionally(e -> null).get();
        } catch (InterruptedException e) {
            running.values().forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new LostClaimException("interrupted while waiting for scoring nodes");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // cannot happen: failures are mapped to null above
        }
        return running.entrySet().stream().map(e -> result(e.getKey(), e.getValue())).toList();
    }

    private static <T> Result<T> result(JobTarget target, CompletableFuture<T> future) {
        try {
            return new Result<>(target, future.join(), null);
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String message = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
            return new Result<>(target, null, message.startsWith(target.node().name() + ":")
                    ? message : target.node().name() + ": " + message);
        }
    }
}
