package io.rtml.registry.event;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes finished webhook deliveries and events older than {@code rtml.registry.events.retention}, on the
 * application's task scheduler. An event goes only when none of its deliveries is still PENDING (a
 * receiver that is down for longer keeps its events until they are delivered or given up); its finished
 * deliveries go with it (ON DELETE CASCADE). Deleting old events does not disturb a poller's cursor:
 * ids only grow, so {@code after=<id>} goes on from where it was.
 *
 * <p>One registry sweeps at a time: each batch is a short transaction that first takes a
 * transaction-scoped PostgreSQL advisory lock with {@code pg_try_advisory_xact_lock} (as the artifact
 * reclaimer takes its session lock: a registry that finds it taken leaves the work to the one holding
 * it). The sweep calls nothing outside the database, so the transaction variant suffices and the lock
 * cannot outlive it. Batches keep each transaction's row locks and WAL small.
 */
@Component
@EnableConfigurationProperties(EventRetentionProperties.class)
public class EventRetention implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(EventRetention.class);

    /** The advisory lock of the sweep (an arbitrary constant: "rtml" "evr"). */
    static final long SWEEP_LOCK = 0x72746d6c_00657672L;

    static final int BATCH = 1000;

    private static final String FINISHED_DELIVERIES = """
            DELETE FROM webhook_delivery WHERE id IN (
                SELECT id FROM webhook_delivery
                WHERE status <> 'PENDING' AND coalesce(delivered_at, last_attempt_at, next_attempt_at) < ?
                LIMIT ?)""";

    private static final String EVENTS = """
            DELETE FROM event WHERE id IN (
                SELECT e.id FROM event e
                WHERE e.occurred_at < ?
                  AND NOT EXISTS (SELECT 1 FROM webhook_delivery d WHERE d.event_id = e.id AND d.status = 'PENDING')
                ORDER BY e.occurred_at
                LIMIT ?)""";

    /** What one sweep deleted. */
    record Swept(long events, long deliveries) {}

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final EventRetentionProperties properties;
    private final Clock clock;

    EventRetention(JdbcTemplate jdbc, PlatformTransactionManager transactions, EventRetentionProperties properties,
            Clock clock) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactions);
        this.properties = properties;
        this.clock = clock;
    }

    /** The interval is a bound property, so not an annotation. */
    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        Duration interval = properties.retentionSweepInterval();
        registrar.addFixedDelayTask(new FixedDelayTask(this::sweepQuietly, interval, interval));
    }

    /**
     * Deletes what is past retention, batch after batch, unless another registry is sweeping (then
     * nothing, and an empty result).
     */
    Swept sweep() {
        Timestamp cutoff = Timestamp.from(clock.instant().minus(properties.retention()));
        long events = 0;
        long deliveries = 0;
        while (true) {
            Swept batch = tx.execute(status -> {
                if (!Boolean.TRUE.equals(jdbc.queryForObject("SELECT pg_try_advisory_xact_lock(?)", Boolean.class,
                        SWEEP_LOCK))) {
                    return null;
                }
                int d = jdbc.update(FINISHED_DELIVERIES, cutoff, BATCH);
                int e = jdbc.update(EVENTS, cutoff, BATCH);
                return new Swept(e, d);
            });
            if (batch == null) {
                log.debug("another registry is sweeping old events");
                break;
            }
            events += batch.events();
            deliveries += batch.deliveries();
            if (batch.events() < BATCH && batch.deliveries() < BATCH) {
                break;
            }
        }
        return new Swept(events, deliveries);
    }

    private void sweepQuietly() {
        try {
            Swept swept = sweep();
            if (swept.events() > 0 || swept.deliveries() > 0) {
                log.info("deleted {} events and {} webhook deliveries older than {}", swept.events(),
                        swept.deliveries(), properties.retention());
            }
        } catch (RuntimeException e) {
            // The database is away, say: the next sweep deletes what this one left.
            log.warn("the sweep of old events failed; it runs again in {}: {}", properties.retentionSweepInterval(),
                    e.toString());
        }
    }
}
