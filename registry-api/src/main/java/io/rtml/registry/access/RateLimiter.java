package io.rtml.registry.access;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Per-key token buckets (one per API token for changes, one per client address for failed
 * logins). In memory: each registry replica limits on its own, which bounds abuse without a
 * shared store.
 *
 * <p>A bucket left alone for one refill period is full again, the same as a new one, so it is
 * forgotten then; keys from failed logins are attacker-chosen addresses, so the number kept is
 * also bounded (the least used go first).
 */
@Component
class RateLimiter {

    static final int MAX_KEYS = 100_000;
    private static final Duration REFILL_PERIOD = Duration.ofMinutes(1);

    private final Cache<String, Bucket> buckets;
    private final Bandwidth limit;
    private final TimeMeter clock;

    @Autowired
    RateLimiter(SecurityProperties properties) {
        this(properties.mutationsPerMinute(), MAX_KEYS, Ticker.systemTicker());
    }

    /** @param ticker the time of both the buckets and their expiry */
    RateLimiter(int perMinute, int maxKeys, Ticker ticker) {
        this.limit = Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, REFILL_PERIOD).build();
        this.clock = new TickerTime(ticker);
        this.buckets = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterAccess(REFILL_PERIOD).ticker(ticker).build();
    }

    /** Empty when allowed; otherwise how long to wait before the next request may pass. */
    Optional<Duration> acquire(String key) {
        Bucket bucket = buckets.get(key, k -> Bucket.builder().addLimit(limit).withCustomTimePrecision(clock).build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? Optional.empty() : Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }

    /** How many keys are remembered, after pending expiry and eviction are applied. */
    long keys() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }

    private record TickerTime(Ticker ticker) implements TimeMeter {

        @Override
        public long currentTimeNanos() {
            return ticker.read();
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    }
}
