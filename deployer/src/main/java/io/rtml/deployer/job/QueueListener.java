package io.rtml.deployer.job;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Wakes the worker the moment a deployment is committed: LISTEN on channel
 * {@code rtml_deployments} (a trigger on deployment inserts NOTIFYs it; see docs/deployer.md).
 * Polling stays the fallback, so without the trigger, or while this connection is broken, the
 * deployer still claims work within {@code poll-interval}.
 */
@Component
class QueueListener implements SmartLifecycle {

    static final String CHANNEL = "rtml_deployments";
    private static final Logger log = LoggerFactory.getLogger(QueueListener.class);

    private final DataSource dataSource;
    private final DeploymentWorker worker;
    private final int waitMillis;
    private volatile boolean running;
    private volatile Thread thread;

    QueueListener(DataSource dataSource, DeploymentWorker worker) {
        this.dataSource = dataSource;
        this.worker = worker;
        this.waitMillis = 500; // how quickly the loop notices stop() or a broken connection
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::listen, "deployer-listen");
        thread.setDaemon(true);
        thread.start();
    }

    private void listen() {
        boolean broken = false;
        while (running) {
            try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("LISTEN " + CHANNEL);
                PGConnection pg = connection.unwrap(PGConnection.class);
                if (broken) {
                    log.info("listening on {} again", CHANNEL);
                    broken = false;
                }
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(waitMillis);
                    if (notifications != null && notifications.length > 0) {
                        worker.wakeUp();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                if (!broken) {
                    log.warn("cannot listen on {} ({}); polling only until it works", CHANNEL, e.getMessage());
                    broken = true;
                }
                pause();
            }
        }
    }

    private void pause() {
        synchronized (this) {
            try {
                wait(waitMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return DEFAULT_PHASE - 1; // among the first to stop; the scheduler it wakes stopped taking work as the context closed
    }
}
