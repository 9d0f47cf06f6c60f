package io.rtml.scoring.runtime;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Which side of a traffic split a request falls on. A request with a route key lands in one of
 * 10,000 slots by a hash of the key, and goes to the candidate when its slot is below {@code
 * percent × 100}: the same key always gets the same answer for a given percent, and raising the
 * percent only moves keys from the stable version to the candidate, never back. The hash is
 * {@link String#hashCode} (fixed by the language, so the same on every node and after a restart)
 * mixed by MurmurHash3's finaliser, so that keys that differ in one character spread evenly.
 */
public final class TrafficSplit {

    static final int SLOTS = 10_000;

    private TrafficSplit() {}

    /** Whether a request goes to the candidate; {@code routeKey} null: at random. */
    public static boolean toCandidate(String routeKey, int percent) {
        int slot = routeKey == null ? ThreadLocalRandom.current().nextInt(SLOTS) : slot(routeKey);
        return slot < percent * (SLOTS / 100);
    }

    /** The key's slot in [0, 10000). */
    public static int slot(String routeKey) {
        int h = routeKey.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return Integer.remainderUnsigned(h, SLOTS);
    }
}
