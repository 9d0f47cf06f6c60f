package io.rtml.deployer.node;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * At most {@code max} asynchronous calls running at once; the others wait in a queue, in order,
 * and start as running ones complete. Nothing blocks and no thread waits: a queued call is a
 * closure, started by whichever thread completed the call before it. So a fan-out to 1,000 targets
 * neither opens 1,000 sockets at once nor runs one call after the other.
 *
 * <p>Background calls (health probes) use at most half the slots and wait behind every other call:
 * a deployment that arrives while a probe round over a large fleet is queued starts its calls at
 * once instead of after the round. Yet one probe at least runs whenever probes wait: deployments
 * that keep the queue full must not starve the probes that tell reconciliation what nodes hold.
 */
final class InFlightLimit {

    /** True while this thread starts queued calls: a call that completes at once must not recurse into it. */
    private static final ThreadLocal<Boolean> DRAINING = ThreadLocal.withInitial(() -> false);

    private final int max;
    private final int maxBackground;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private final ArrayDeque<Runnable> waitingBackground = new ArrayDeque<>();
    private int running;
    private int runningBackground;

    InFlightLimit(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max calls in flight must be >= 1: " + max);
        }
        this.max = max;
        this.maxBackground = Math.max(1, max / 2);
    }

    /** As {@link #submit}, for a call nobody waits on: at most half the slots, after every other call. */
    <T> CompletableFuture<T> submitBackground(Supplier<CompletableFuture<T>> call) {
        return submit(call, true);
    }

    /**
     * Starts {@code call} now, or once a running call completes; the returned future completes as
     * the call's does. A call that throws instead of returning a future fails its future. A
     * future cancelled while its call waits is never started.
     */
    <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> call) {
        return submit(call, false);
    }

    private <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> call, boolean background) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable start = () -> {
            if (result.isDone()) { // cancelled while waiting
                release(background);
                return;
            }
            CompletableFuture<T> running;
            try {
                running = call.get();
            } catch (RuntimeException e) {
                running = CompletableFuture.failedFuture(e);
            }
            running.whenComplete((value, error) -> {
                release(background);
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(value);
                }
            });
        };
        synchronized (this) {
            (background ? waitingBackground : waiting).add(start);
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
        return waiting.size() + waitingBackground.size();
    }

    private void release(boolean background) {
        synchronized (this) {
            running--;
            if (background) {
                runningBackground--;
            }
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
                    if (running >= max) {
                        return;
                    }
                    if (!waiting.isEmpty() && (runningBackground > 0 || waitingBackground.isEmpty())) {
                        next = waiting.poll();
                    } else if (!waitingBackground.isEmpty() && runningBackground < maxBackground) {
                        next = waitingBackground.poll();
                        runningBackground++;
                    } else {
                        return;
                    }
                    running++;
                }
                next.run();
            }
        } finally {
            DRAINING.set(false);
        }
    }
}
