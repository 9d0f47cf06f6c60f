package io.rtml.scoring.state;

import java.io.UncheckedIOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the state file in the background, after a change, instead of inside the admin call that
 * made it. An activation used to wait for a temporary file, an fsync and a rename (10-45 ms on a
 * shared disk) before it answered; now it answers as soon as the pointer is swapped.
 *
 * <p>Why that is safe: the file only matters after a restart. A node that crashes in the few
 * milliseconds between answering and the write restarts on the previous state, exactly like a node
 * that missed an activation, and the deployer's reconciliation brings it back to its desired
 * version within one round ({@code rtml.deployer.reconcile-interval}). What is served never
 * depends on the file. Changes that come in a burst are written once, from a snapshot taken after
 * the last of them, and a write is never lost to a newer one: a change after the snapshot always
 * schedules another write. {@link #close()} writes what is pending, so a clean stop loses nothing.
 */
public final class StateSaver implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StateSaver.class);

    private final StateFile file;
    private final Supplier<NodeState> snapshot;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "scoring-state");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean failing;

    /** @param snapshot a consistent view of what the node serves, taken when the write starts */
    public StateSaver(StateFile file, Supplier<NodeState> snapshot) {
        this.file = file;
        this.snapshot = snapshot;
    }

    /** Something changed: write the state soon (at most one write is queued at a time). */
    public void changed() {
        if (pending.compareAndSet(false, true)) {
            try {
                writer.execute(this::write);
            } catch (RejectedExecutionException stopped) {
                pending.set(false); // only after close(): the node is stopping and wrote its last state
            }
        }
    }

    private void write() {
        pending.set(false); // before the snapshot: a change from now on queues another write
        try {
            file.write(snapshot.get());
            if (failing) {
                log.info("state file {} written again", file.path());
                failing = false;
            }
        } catch (UncheckedIOException e) {
            // Serving is unaffected; the next change tries again, and reconciliation covers a restart.
            log.error("cannot write state file: {}", e.getMessage());
            failing = true;
        }
    }

    /** Writes what is pending and stops; waits at most 10 s. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                log.error("state file {} not written within 10 s of stopping", file.path());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
