package io.rtml.deployer.telemetry;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Live telemetry collection ({@code rtml.deployer.telemetry.*}; docs/deployer.md "Live telemetry").
 *
 * @param interval how often every target's cumulative telemetry is read and the window since the
 *     previous read stored (default 10s; 0 = off)
 * @param retention how long stored windows are kept before they are pruned (default 15m)
 */
@ConfigurationProperties("rtml.deployer.telemetry")
public record TelemetryProperties(@DefaultValue("10s") Duration interval, @DefaultValue("15m") Duration retention) {

    public TelemetryProperties {
        if (interval.isNegative() || retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("invalid rtml.deployer.telemetry settings: interval must be >= 0"
                    + " and retention positive");
        }
    }

    /**
     * The longest window stored: a longer one means the targets were not read for a while (every
     * deployer stopped), and its requests would all count as recent; they are skipped instead.
     */
    Duration longestWindow() {
        Duration six = interval.multipliedBy(6);
        return six.compareTo(Duration.ofMinutes(1)) > 0 ? six : Duration.ofMinutes(1);
    }
}
