package io.rtml.registry.artifact;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread pools for the work of uploads in flight. */
final class DaemonThreads {

    private DaemonThreads() {}

    /**
     * A cached pool of daemon threads named {@code prefix-N}: one thread per upload in flight at most, so
     * no bound beyond the web server's own, and none that keeps the JVM alive.
     */
    static ExecutorService cachedPool(String prefix) {
        AtomicInteger threads = new AtomicInteger();
        return Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, prefix + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }
}
