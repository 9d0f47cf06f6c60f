package io.rtml.registry.webhook;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How webhook deliveries are made ({@code rtml.registry.webhooks.*}).
 *
 * @param pollInterval how often a registry looks for due deliveries (default 500ms)
 * @param timeout longest wait for a receiver's answer, connecting included (default 10s)
 * @param initialBackoff wait before the second attempt; each further attempt waits twice as long (default 1s)
 * @param maxBackoff longest wait between two attempts (default 1h)
 * @param maxAttempts attempts before a delivery is given up as FAILED (default 20)
 * @param batchSize deliveries one registry takes at a time (default 16)
 */
@ConfigurationProperties("rtml.registry.webhooks")
public record WebhookProperties(@DefaultValue("500ms") Duration pollInterval, @DefaultValue("10s") Duration timeout,
        @DefaultValue("1s") Duration initialBackoff, @DefaultValue("1h") Duration maxBackoff,
        @DefaultValue("20") int maxAttempts, @DefaultValue("16") int batchSize) {

    public WebhookProperties {
        if (maxAttempts < 1 || batchSize < 1) {
            throw new IllegalArgumentException("rtml.registry.webhooks.max-attempts and batch-size must be at least 1");
        }
        if (pollInterval.isNegative() || pollInterval.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("rtml.registry.webhooks.poll-interval and timeout must be positive");
        }
    }

    /** The wait after {@code attempts} failed attempts: doubling from {@link #initialBackoff}, at most {@link #maxBackoff}. */
    Duration backoff(int attempts) {
        int doublings = Math.min(Math.max(attempts - 1, 0), 30);
        Duration wait = initialBackoff.multipliedBy(1L << doublings);
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }

    /**
     * How long a claimed delivery stays hidden from other registries: the attempt's timeout with room to
     * record its result. A registry that dies mid-attempt leaves it to be taken again after this.
     */
    Duration lease() {
        return timeout.multipliedBy(2).plusSeconds(5);
    }
}
