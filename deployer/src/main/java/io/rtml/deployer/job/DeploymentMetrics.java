package io.rtml.deployer.job;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.rtml.deployment.DeploymentStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * {@code rtml.deployer.deployments} (counter by outcome and kind),
 * {@code rtml.deployer.deployment.duration} (timer from request to final status, by outcome and
 * kind) and {@code rtml.deployer.stages} (stage calls by whether the node downloaded the artifact).
 */
@Component
public class DeploymentMetrics {

    private final MeterRegistry registry;

    DeploymentMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void finished(DeploymentJob job, DeploymentStatus outcome) {
        String status = outcome.name().toLowerCase(Locale.ROOT);
        String kind = job.kind().name().toLowerCase(Locale.ROOT);
        Counter.builder("rtml.deployer.deployments").tag("outcome", status).tag("kind", kind)
                .description("Deployments that reached a final status").register(registry).increment();
        Duration took = Duration.between(job.requestedAt(), Instant.now());
        Timer.builder("rtml.deployer.deployment.duration").tag("outcome", status).tag("kind", kind)
                .description("From the deployment request to its final status").register(registry)
                .record(took.isNegative() ? Duration.ZERO : took);
    }

    void staged(boolean downloaded) {
        Counter.builder("rtml.deployer.stages").tag("downloaded", String.valueOf(downloaded))
                .description("Successful stage calls, by whether the node downloaded the artifact")
                .register(registry).increment();
    }

    /** Stage calls so far that were answered without a download (for tests and dashboards). */
    public double stagesWithoutDownload() {
        Counter c = registry.find("rtml.deployer.stages").tag("downloaded", "false").counter();
        return c == null ? 0 : c.count();
    }

    public double stagesWithDownload() {
        Counter c = registry.find("rtml.deployer.stages").tag("downloaded", "true").counter();
        return c == null ? 0 : c.count();
    }
}
