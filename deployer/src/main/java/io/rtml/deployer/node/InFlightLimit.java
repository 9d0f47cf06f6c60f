package io.rtml.deployer.node;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * At most {@code max} asynchronous calls running at once; the others wait in a queue, in order,
 * and start as running ones complete. Nothing blocks and no thread waits: a queued call is a
 * closure, started by whichever thread completed the call before it. So a fan-out to 1,000 targets
 * neither opens 1,000 sockets at once nor runs one call after the other.
 */
final class InFlightLimit {

    /** True while this thread starts queued calls: a call that completes at once must not recurse into it. */
    private static final ThreadLocal<Boolean> DRAINING = ThreadLocal.withInitial(() -> false);

    private final int max;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private int running;

    InFlightLimit(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max calls in flight must be >= 1: " + max);
        }
        this.max = max;
    }

    /**
     * Starts {@code call} now, or once a running call completes; the returned future completes as
     * the call's does. A call that throws instead of returning a future fails its future. A
     * future cancelled while its call waits is never started.
     */
    <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable start = () -> {
            if (result.isDone()) { // cancelled while waiting
                release();
                return;
            }
            CompletableFuture<T> running;
            try {
                running = call.get();
            } catch (RuntimeException e) {
                running = CompletableFuture.failedFuture(e);
            }
            running.whenComplete((value, error) -> {
                release();
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(value);
                }
            });
        };
        synchronized (this) {
            waiting.add(start);
        }
        drain();
        return result;
    }

    /** Calls running now (for the metric and the tests). */
    synchronized int running() {
        return running;
    }

    /** Calls waiting for a free slot. */
    synchronized int waiting() {
        return waiting.size();
    }

    private void release() {
        synchronized (this) {
            running--;
        }
        drain();
    }

    /** Starts queued calls while there is room; a loop, not recursion, however many complete at once. */
    private void drain() {
        if (DRAINING.get()) {
            return; // the loop further up this thread's stack picks up the freed slot
        }
        DRAINING.set(true);
        try {
            while (true) {
                Runnable next;
                synchronized (this) {
                    if (running >= max || waiting.isEmpty()) {
                        return;
                    }
                    running++;
                    next = waiting.poll();
                }
                next.run();
            }
        } finally {
            DRAINING.set(false);
        }
    }
}
