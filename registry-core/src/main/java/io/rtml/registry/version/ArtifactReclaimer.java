package io.rtml.registry.version;

import io.rtml.artifact.ArtifactStore;
import io.rtml.artifact.S3Properties;
import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Deletes the objects of deleted versions once {@code rtml.registry.artifacts.reclaim-grace} has
 * passed since their release (a model delete notes it in {@code artifact_release}), and only when no
 * version refers to the key by then: keys are content addressed, so an identical upload shares them.
 *
 * <p>The race with such an upload is closed in the database. The sweep first marks the release
 * {@code reclaimed_at} in one committed statement, and deletes the object only after that; every
 * transaction that makes a version refer to a key ({@link #claim}) deletes an unmarked release of it
 * (which the marking statement waits for, row lock, and then skips) or, when it finds the mark,
 * refuses with 503: its upload may have skipped the PUT because the object was still there, so it
 * must be sent again, and the repeat stores the bytes anew once the object is gone.
 *
 * <p>The upload's check for the object and its claim are not atomic, so it may see the object, skip
 * its PUT, and claim only after the sweep has deleted the object. So the sweep does not delete the
 * row after the object but keeps it as a tombstone ({@code deleted_at}); a claim that finds one
 * passes only when the object exists again (an upload stored it anew after the delete, and no sweep
 * deletes it again: a tombstone is never marked afresh), and then removes the tombstone; otherwise it
 * refuses with 503 and the repeat, finding no object, PUTs the bytes. Tombstones are purged after
 * {@link #TOMBSTONE_TTL}, far longer than any upload takes from its check to its claim.
 */
@Component
@EnableConfigurationProperties(ReclaimProperties.class)
public class ArtifactReclaimer implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(ArtifactReclaimer.class);

    private static final String MARK = """
            UPDATE artifact_release r SET reclaimed_at = coalesce(reclaimed_at, now())
            WHERE (reclaimed_at IS NOT NULL AND deleted_at IS NULL)
               OR (reclaimed_at IS NULL AND released_at < ?
                   AND NOT EXISTS (SELECT 1 FROM model_version v WHERE v.artifact_key = r.artifact_key))
            RETURNING artifact_key""";

    /** The advisory lock that one sweeping registry holds (an arbitrary constant: "rtml" "rcl"). */
    static final long SWEEP_LOCK = 0x72746d6c_0072636cL;

    /** How long a reclaimed key's row stays as a tombstone after its object was deleted. */
    static final Duration TOMBSTONE_TTL = Duration.ofDays(1);

    /** Releases of keys that a version refers to again (another model holds identical bytes). */
    private static final String FORGET_REFERENCED = """
            DELETE FROM artifact_release r WHERE reclaimed_at IS NULL
              AND EXISTS (SELECT 1 FROM model_version v WHERE v.artifact_key = r.artifact_key)""";

    private final JdbcTemplate jdbc;
    private final ArtifactStore store;
    private final Duration grace;
    private final Duration interval;
    private final Clock clock;

    ArtifactReclaimer(JdbcTemplate jdbc, ArtifactStore store, ReclaimProperties properties, S3Properties s3,
            Clock clock) {
        if (properties.reclaimGrace().compareTo(s3.presignTtl()) < 0) {
            throw new IllegalArgumentException("rtml.registry.artifacts.reclaim-grace (" + properties.reclaimGrace()
                    + ") must be at least rtml.s3.presign-ttl (" + s3.presignTtl() + ")");
        }
        this.jdbc = jdbc;
        this.store = store;
        this.grace = properties.reclaimGrace();
        this.interval = properties.reclaimInterval();
        this.clock = clock;
    }

    /** On the application's task scheduler; the interval is a bound property, so not an annotation. */
    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(new FixedDelayTask(this::sweepOnOneReplica, interval, interval));
    }

    /**
     * Called inside the transaction that makes a version refer to {@code key}: cancels a pending
     * release of the key, or refuses when the sweep has already decided to delete its object.
     */
    void claim(String key) {
        jdbc.update("DELETE FROM artifact_release WHERE artifact_key = ? AND reclaimed_at IS NULL", key);
        List<Boolean> deleted = jdbc.queryForList(
                "SELECT deleted_at IS NOT NULL FROM artifact_release WHERE artifact_key = ? FOR UPDATE", Boolean.class, key);
        if (deleted.isEmpty()) {
            return;
        }
        if (!deleted.get(0)) {
            throw new RtmlException(ErrorCode.STORAGE_UNAVAILABLE, "identical bytes were stored before and are being"
                    + " deleted right now; send the upload again in a few seconds");
        }
        // A tombstone: the object was deleted, perhaps after this upload saw it and skipped its PUT.
        if (!store.exists(key)) {
            throw new RtmlException(ErrorCode.STORAGE_UNAVAILABLE, "identical bytes were stored before and have just"
                    + " been deleted; send the upload again");
        }
        jdbc.update("DELETE FROM artifact_release WHERE artifact_key = ?", key);
    }

    /** Deletes the objects past their grace that no version refers to; returns their keys. */
    List<String> sweep() {
        return sweep(jdbc);
    }

    private List<String> sweep(JdbcTemplate jdbc) {
        Timestamp cutoff = Timestamp.from(clock.instant().minus(grace));
        jdbc.update(FORGET_REFERENCED);
        jdbc.update("DELETE FROM artifact_release WHERE deleted_at < ?",
                Timestamp.from(clock.instant().minus(TOMBSTONE_TTL)));
        List<String> keys = jdbc.queryForList(MARK, String.class, cutoff);
        for (String key : keys) {
            store.delete(key);
            // kept as a tombstone, see the class comment
            jdbc.update("UPDATE artifact_release SET deleted_at = now() WHERE artifact_key = ?", key);
            log.info("reclaimed the artifact {} (no version refers to it since its grace period began)", key);
        }
        return keys;
    }

    /**
     * Sweeps unless another registry is sweeping now: a session advisory lock, and the sweep on the
     * connection that holds it (so it needs no second connection from the pool), which neither holds a
     * transaction open across its S3 deletes nor leaves the lock behind when the registry dies (the
     * connection ends).
     */
    void sweepOnOneReplica() {
        try {
            jdbc.execute((ConnectionCallback<Void>) connection -> {
                if (advisoryLock(connection, "pg_try_advisory_lock")) {
                    sweepThenUnlock(connection);
                } else {
                    log.debug("another registry is sweeping released artifacts");
                }
                return null;
            });
        } catch (RuntimeException e) {
            // A marked key is deleted by the next sweep.
            log.warn("the sweep of released artifacts failed; it runs again in {}", interval, e);
        }
    }

    private void sweepThenUnlock(Connection connection) throws SQLException {
        RuntimeException failed = null;
        try {
            sweep(new JdbcTemplate(new SingleConnectionDataSource(connection, true)));
        } catch (RuntimeException e) {
            failed = e;
        }
        try {
            if (!advisoryLock(connection, "pg_advisory_unlock")) {
                // The session's lock state is not what it should be: end the session, which ends any lock it holds.
                log.warn("the lock of the sweep of released artifacts was not held at its end; closing its connection");
                connection.abort(Runnable::run);
            }
        } catch (SQLException e) {
            if (failed == null) {
                throw e;
            }
            failed.addSuppressed(e);
        }
        if (failed != null) {
            throw failed;
        }
    }

    /** Calls {@code function} (a {@code pg_*advisory*} function) on the sweep's lock; its boolean result. */
    private static boolean advisoryLock(Connection connection, String function) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + function + "(?)")) {
            statement.setLong(1, SWEEP_LOCK);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() && result.getBoolean(1);
            }
        }
    }
}
