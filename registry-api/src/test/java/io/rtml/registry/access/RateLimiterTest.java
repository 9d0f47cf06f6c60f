package io.rtml.registry.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The limiter's memory on a real instance, with the time of its buckets and cache moved by hand. */
class RateLimiterTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Test
    void limitsEachKeyOnItsOwnAndRefillsWithTime() {
        RateLimiter limiter = new RateLimiter(3, 100, nanos::get);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.acquire("a")).isEmpty();
        }

        assertThat(limiter.acquire("a")).hasValueSatisfying(wait -> assertThat(wait).isEqualTo(Duration.ofSeconds(20)));
        assertThat(limiter.acquire("b")).isEmpty();
        advance(Duration.ofSeconds(20));
        assertThat(limiter.acquire("a")).isEmpty();
        assertThat(limiter.acquire("a")).isPresent();
    }

    @Test
    void forgetsAKeyLeftAloneForOneRefillPeriodAndKeepsOneInUse() {
        RateLimiter limiter = new RateLimiter(3, 100, nanos::get);
        limiter.acquire("idle");
        limiter.acquire("busy");
        advance(Duration.ofSeconds(40));
        limiter.acquire("busy");
        advance(Duration.ofSeconds(30));

        assertThat(limiter.keys()).isEqualTo(1);
    }

    @Test
    void anExhaustedKeyIsAsGoodAsNewOnceForgotten() {
        RateLimiter limiter = new RateLimiter(2, 100, nanos::get);
        limiter.acquire("k");
        limiter.acquire("k");
        assertThat(limiter.acquire("k")).isPresent();

        advance(Duration.ofMinutes(1).plusSeconds(1));

        assertThat(limiter.keys()).isZero();
        assertThat(limiter.acquire("k")).isEmpty();
        assertThat(limiter.acquire("k")).isEmpty();
        assertThat(limiter.acquire("k")).isPresent();
    }

    @Test
    void remembersAtMostItsBoundOfKeys() {
        RateLimiter limiter = new RateLimiter(3, 100, nanos::get);
        for (int i = 0; i < 5_000; i++) {
            limiter.acquire("10.0." + i / 256 + "." + i % 256);
        }

        assertThat(limiter.keys()).isLessThanOrEqualTo(100);
    }

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }
}
