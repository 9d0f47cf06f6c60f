package io.rtml.deployer.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.rtml.deployer.node.NodeClient;
import io.rtml.deployer.node.NodeTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/**
 * Every {@code rtml.deployer.telemetry.interval} (off when 0) reads every target's cumulative
 * telemetry in parallel and stores the window since the previous read ({@link TelemetryStore}),
 * which the gallery sums into live figures per target and version. The scheduler thread only
 * starts a round: the reads complete on the HTTP client's threads, and the round is written when the
 * last target answered or failed, so a hanging node delays no other scheduled task. A round still
 * running when the next is due makes that one skip.
 */
@Configuration
@EnableConfigurationProperties(TelemetryProperties.class)
class TelemetryCollector implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(TelemetryCollector.class);

    private final TelemetryStore store;
    private final NodeClient nodes;
    private final TelemetryProperties properties;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Counter windows;
    private final Counter failedReads;

    TelemetryCollector(TelemetryStore store, NodeClient nodes, TelemetryProperties properties, MeterRegistry meters) {
        this.store = store;
        this.nodes = nodes;
        this.properties = properties;
        this.windows = Counter.builder("rtml.deployer.telemetry.windows")
                .description("per-version telemetry windows stored").register(meters);
        this.failedReads = Counter.builder("rtml.deployer.telemetry.failed.reads")
                .description("targets whose telemetry could not be read in a round").register(meters);
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        Duration every = properties.interval();
        if (!every.isZero()) {
            tasks.addFixedDelayTask(new FixedDelayTask(this::round, every, every));
        }
    }

    /** Starts one round unless the last one is still running; the returned future ends with it. */
    CompletableFuture<Void> round() {
        if (!running.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            List<CompletableFuture<TelemetryStore.Read>> reads = store.targets().stream().map(this::read).toList();
            return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
                    .thenRun(() -> write(reads.stream().map(CompletableFuture::join).filter(Objects::nonNull).toList()))
                    .whenComplete((done, e) -> {
                        running.set(false);
                        if (e != null) {
                            log.warn("telemetry round failed: {}", e.getMessage());
                        }
                    });
        } catch (RuntimeException e) {
            running.set(false);
            log.warn("telemetry round failed: {}", e.getMessage());
            return CompletableFuture.completedFuture(null);
        }
    }

    /** One target's snapshot, or null when it could not be read (logged at debug: the health probe reports down nodes). */
    private CompletableFuture<TelemetryStore.Read> read(NodeTarget target) {
        return nodes.telemetry(target).handle((json, e) -> {
            if (e != null) {
                failedReads.increment();
                log.debug("telemetry of {} not read: {}", target.name(), e.getMessage());
                return null;
            }
            return new TelemetryStore.Read(target, json, Instant.now());
        });
    }

    private void write(List<TelemetryStore.Read> reads) {
        int written = store.record(reads, properties.longestWindow(), properties.retention());
        if (written > 0) {
            windows.increment(written);
        }
        log.debug("telemetry round: {} targets read, {} windows stored", reads.size(), written);
    }
}
