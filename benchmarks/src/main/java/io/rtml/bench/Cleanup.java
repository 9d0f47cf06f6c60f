package io.rtml.bench;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a benchmark must undo (child process, database, temporary files), undone in reverse order
 * exactly once: on {@link #close()}, or by a shutdown hook when the JVM is stopped early (Ctrl-C).
 */
final class Cleanup implements AutoCloseable {

    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    private record Named(String what, Step step) {}

    private final Deque<Named> steps = new ArrayDeque<>();
    private final Thread hook = new Thread(this::runAll, "bench-cleanup");
    private boolean done;

    Cleanup() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    synchronized void add(String what, Step step) {
        if (done) {
            throw new IllegalStateException("cleanup already ran");
        }
        steps.push(new Named(what, step));
    }

    private synchronized void runAll() {
        if (done) {
            return;
        }
        done = true;
        while (!steps.isEmpty()) {
            Named step = steps.pop();
            try {
                step.step().run();
            } catch (Exception e) {
                System.err.println("cleanup: could not " + step.what() + ": " + e);
            }
        }
    }

    @Override
    public void close() {
        runAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or ran: nothing left to do
        }
    }
}
