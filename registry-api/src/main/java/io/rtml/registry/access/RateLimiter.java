package io.rtml.registry.access;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.stereotype.Component;

/**
 * Per-key token buckets (one per API token for changes, one per client address for failed
 * logins). In memory: each registry replica limits on its own, which bounds abuse without a
 * shared store.
 */
@Component
class RateLimiter {

    /** Keys from failed logins are attacker-chosen addresses; forget them all rather than grow without bound. */
    private static final int MAX_KEYS = 100_000;

    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final int perMinute;

    RateLimiter(SecurityProperties properties) {
        this.perMinute = properties.mutationsPerMinute();
    }

    /** Empty when allowed; otherwise how long to wait before the next request may pass. */
    Optional<Duration> acquire(String key) {
        if (buckets.size() > MAX_KEYS) {
            buckets.clear();
        }
        Bucket bucket = buckets.computeIfAbsent(key, k -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)).build())
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? Optional.empty() : Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }
}
