package io.rtml.deployer.job;

import io.rtml.deployer.DeployerProperties;
import io.rtml.deployment.LostClaimException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Polls the queue on the application's task scheduler, runs claimed deployments on the
 * {@code deploymentJobs} pool, and renews their leases every third of the lease while they run. A
 * lease that cannot be renewed (another deployer took over) stops the job; closing the application
 * interrupts running jobs without writing anything, exactly as a crash would, and another deployer
 * resumes them once their leases lapse.
 */
@Component
class DeploymentWorker implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(DeploymentWorker.class);

    private final DeploymentQueue queue;
    private final DeploymentRunner runner;
    private final DeployerProperties properties;
    private final TaskScheduler scheduler;
    private final AsyncTaskExecutor jobs;
    private final Semaphore slots;
    private final Map<Long, Future<?>> running = new ConcurrentHashMap<>();
    private volatile boolean queueDown;
    private volatile boolean closing;

    DeploymentWorker(DeploymentQueue queue, DeploymentRunner runner, DeployerProperties properties,
            TaskScheduler scheduler, @Qualifier("deploymentJobs") AsyncTaskExecutor jobs) {
        this.queue = queue;
        this.runner = runner;
        this.properties = properties;
        this.scheduler = scheduler;
        this.jobs = jobs;
        this.slots = new Semaphore(properties.concurrency());
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        Duration renew = Duration.ofMillis(Math.max(1, properties.lease().toMillis() / 3));
        tasks.addFixedDelayTask(this::poll, properties.pollInterval());
        tasks.addFixedDelayTask(new FixedDelayTask(this::renewLeases, renew, renew));
        log.info("deployer started {}", properties);
    }

    /** Claims deployments while there are free slots and claimable rows. */
    void poll() {
        if (closing) {
            return;
        }
        try {
            while (!closing && slots.tryAcquire()) {
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
        } catch (RejectedExecutionException stopping) {
            // the context is closing: nothing more to claim
        } catch (RuntimeException e) {
            if (!queueDown) {
                log.warn("cannot poll the deployment queue: {}", e.getMessage());
                queueDown = true;
            }
        }
    }

    /** A deployment was committed (NOTIFY), or a slot came free: claim now instead of at the next poll. */
    void wakeUp() {
        try {
            scheduler.schedule(this::poll, Instant.now());
        } catch (RejectedExecutionException stopping) {
            // shutting down: nothing more to claim
        }
    }

    /**
     * Registers the job before it starts, so that a close running meanwhile either finds it in
     * {@code running} or is seen here afterwards; the entry goes when the task completes.
     */
    private void submit(DeploymentJob job) {
        FutureTask<Void> task = new FutureTask<>(() -> work(job), null) {
            @Override
            protected void done() {
                running.remove(job.id(), this);
            }
        };
        running.put(job.id(), task);
        try {
            jobs.execute(task);
        } catch (RejectedExecutionException stopping) {
            // Claimed as the context closed: the lease lapses and another deployer resumes it.
            running.remove(job.id(), task);
            slots.release();
            throw stopping;
        }
        if (closing) {
            task.cancel(true);
        }
    }

    private void work(DeploymentJob job) {
        try {
            runner.run(job);
        } catch (LostClaimException e) {
            log.info("stopped working on deployment id={}: {}", job.id(), e.getMessage());
        } catch (RuntimeException e) {
            // The lease lapses and another attempt (or the give-up path) takes it from here.
            log.error("deployment id={} attempt {} broke off", job.id(), job.attempts(), e);
        } finally {
            slots.release();
            wakeUp();
        }
    }

    /** The deployments this instance is working on (tests: a finished job leaves none behind). */
    Set<Long> runningIds() {
        return Set.copyOf(running.keySet());
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

    /**
     * Interrupts the running jobs as the context closes, before anything else stops: a job then
     * writes nothing more (its next fenced write sees the interrupt), as if the process had died.
     * The executor's own shutdown only stops taking tasks at this point and would let them run on.
     */
    @EventListener(ContextClosedEvent.class)
    void stopped() {
        // First, so that a poll on another scheduler thread claims nothing more and a job it is
        // just submitting is cancelled by it (see submit).
        closing = true;
        running.values().forEach(job -> job.cancel(true));
        log.info("deployer stopping; unfinished deployments are resumed by another deployer when their leases lapse");
    }
}
