package io.rtml.deployer.job;

import io.rtml.deployer.DeployerProperties;
import io.rtml.deployment.LostClaimException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Polls the queue, runs claimed deployments on a small pool, and renews their leases every third
 * of the lease while they run. A lease that cannot be renewed (another deployer took over) stops
 * the job; stopping the application interrupts running jobs without writing anything, exactly as
 * a crash would, and another deployer resumes them once their leases lapse.
 */
@Component
class DeploymentWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeploymentWorker.class);

    private final DeploymentQueue queue;
    private final DeploymentRunner runner;
    private final DeployerProperties properties;
    private final Semaphore slots;
    private final Map<Long, Future<?>> running = new ConcurrentHashMap<>();
    private volatile ScheduledExecutorService scheduler;
    private volatile ExecutorService jobs;
    private volatile boolean queueDown;

    DeploymentWorker(DeploymentQueue queue, DeploymentRunner runner, DeployerProperties properties) {
        this.queue = queue;
        this.runner = runner;
        this.properties = properties;
        this.slots = new Semaphore(properties.concurrency());
    }

    @Override
    public void start() {
        scheduler = Executors.newScheduledThreadPool(1, threads("deployer-poll"));
        jobs = Executors.newFixedThreadPool(properties.concurrency(), threads("deployer-job"));
        long poll = properties.pollInterval().toMillis();
        long renew = Math.max(1, properties.lease().toMillis() / 3);
        scheduler.scheduleWithFixedDelay(this::poll, 0, poll, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::renewLeases, renew, renew, TimeUnit.MILLISECONDS);
        log.info("deployer started {}", properties);
    }

    /** Claims deployments while there are free slots and claimable rows. */
    void poll() {
        try {
            while (slots.tryAcquire()) {
                Optional<DeploymentJob> job;
                try {
                    job = queue.claim();
                } catch (RuntimeException e) {
                    slots.release();
                    throw e;
                }
                if (job.isEmpty()) {
                    slots.release();
                    break;
                }
                submit(job.get());
            }
            if (queueDown) {
                log.info("deployment queue reachable again");
                queueDown = false;
            }
        } catch (RuntimeException e) {
            if (!queueDown) {
                log.warn("cannot poll the deployment queue: {}", e.getMessage());
                queueDown = true;
            }
        }
    }

    /** A deployment was committed (NOTIFY): claim now instead of at the next poll. */
    void wakeUp() {
        ScheduledExecutorService s = scheduler;
        if (s != null) {
            try {
                s.execute(this::poll);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // shutting down
            }
        }
    }

    private void submit(DeploymentJob job) {
        Future<?> future = jobs.submit(() -> {
            try {
                runner.run(job);
            } catch (LostClaimException e) {
                log.info("stopped working on deployment id={}: {}", job.id(), e.getMessage());
            } catch (RuntimeException e) {
                // The lease lapses and another attempt (or the give-up path) takes it from here.
                log.error("deployment id={} attempt {} broke off", job.id(), job.attempts(), e);
            } finally {
                running.remove(job.id());
                slots.release();
                try {
                    scheduler.execute(this::poll);
                } catch (java.util.concurrent.RejectedExecutionException stopping) {
                    // shutting down: nothing more to claim
                }
            }
        });
        running.put(job.id(), future);
    }

    private void renewLeases() {
        for (Map.Entry<Long, Future<?>> entry : running.entrySet()) {
            try {
                if (!queue.renew(entry.getKey())) {
                    log.warn("lost the claim on deployment id={}; stopping its work", entry.getKey());
                    entry.getValue().cancel(true);
                }
            } catch (RuntimeException e) {
                log.warn("cannot renew the lease of deployment id={}: {}", entry.getKey(), e.getMessage());
            }
        }
    }

    @Override
    public void stop() {
        scheduler.shutdownNow();
        jobs.shutdownNow();
        try {
            jobs.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("deployer stopped; unfinished deployments are resumed by another deployer when their leases lapse");
    }

    @Override
    public boolean isRunning() {
        return scheduler != null && !scheduler.isShutdown();
    }

    private static java.util.concurrent.ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
