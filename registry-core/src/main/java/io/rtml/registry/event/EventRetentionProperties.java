package io.rtml.registry.event;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long events and webhook deliveries are kept ({@code rtml.registry.events.*}).
 *
 * @param retention age after which a finished (DELIVERED or FAILED) delivery is deleted, and an event
 *     whose deliveries are all finished (default 30d); a pending delivery keeps its event
 * @param retentionSweepInterval how often one registry looks for what is past retention (default 1h)
 */
@ConfigurationProperties("rtml.registry.events")
public record EventRetentionProperties(@DefaultValue("30d") Duration retention,
        @DefaultValue("1h") Duration retentionSweepInterval) {

    public EventRetentionProperties {
        if (retention.isNegative() || retention.isZero() || retentionSweepInterval.isNegative()
                || retentionSweepInterval.isZero()) {
            throw new IllegalArgumentException(
                    "rtml.registry.events.retention and retention-sweep-interval must be positive");
        }
    }
}
