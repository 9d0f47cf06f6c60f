package io.rtml.scoring.runtime;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The versions of one service loaded on this node, and which one is active.
 *
 * <p>Hot-swap guarantee: the active version is one immutable {@link Active} behind an
 * {@link AtomicReference}. A request reads it once, takes a reference on that version and finishes
 * on it; activation replaces the pointer in one step, so a request sees either the old or the new
 * version, never a mix, and the old session stays open until its last request releases it.
 * Changes (add, activate, unload) are serialised on this object; reads never lock.
 */
public final class ServiceSlot {

    /** The active version and since when it is active. */
    public record Active(LoadedVersion version, Instant since) {}

    /** A share of requests, in percent, routed to a loaded candidate instead of the active version. */
    public record Split(int candidate, int percent) {}

    /** A share of requests, in percent, also scored by a loaded candidate after their reply. */
    public record Shadow(int candidate, int percent, double tolerance) {}

    private final String name;
    private final AtomicReference<Active> active = new AtomicReference<>();
    /** Null: every request goes to the active version. */
    private volatile Split split;
    /** Null: no request is scored a second time. */
    private volatile Shadow shadow;
    private final Map<Integer, LoadedVersion> loaded = new ConcurrentHashMap<>();
    /** When each non-active version became idle (staged, or swapped out): oldest idle goes first. */
    private final Map<Integer, Instant> idleSince = new HashMap<>();

    ServiceSlot(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** The active version with a reference taken, or null when none is active. Release it after use. */
    public LoadedVersion acquireActive() {
        while (true) {
            Active a = active.get();
            if (a == null) {
                return null;
            }
            if (a.version().tryAcquire()) {
                return a.version();
            }
            // Only a version that was swapped out can be closing: read the pointer again.
            if (active.get() == a) {
                return null;
            }
        }
    }

    /**
     * The version a request goes to, with a reference taken, or null when none is active: the
     * split's candidate for its share, else the active one. With a {@code routeKey} the choice is
     * sticky ({@link TrafficSplit#toCandidate}); without, random. Release it after use.
     */
    public LoadedVersion acquireRouted(String routeKey) {
        Split s = split;
        if (s != null && TrafficSplit.toCandidate(routeKey, s.percent())) {
            LoadedVersion candidate = acquire(s.candidate());
            if (candidate != null) {
                return candidate;
            }
            // unloaded meanwhile: the active version answers
        }
        return acquireActive();
    }

    public Split split() {
        return split;
    }

    /** Routes {@code percent} of requests to a loaded, non-active version. */
    public synchronized void split(int candidate, int percent) {
        Active a = active.get();
        if (!loaded.containsKey(candidate)) {
            throw new IllegalArgumentException("version " + candidate + " of " + name + " is not loaded");
        }
        if (a != null && a.version().version() == candidate) {
            throw new IllegalStateException("version " + candidate + " of " + name + " is the active version");
        }
        split = new Split(candidate, percent);
    }

    public Shadow shadow() {
        return shadow;
    }

    /** Scores {@code percent} of requests on a loaded, non-active version too. */
    public synchronized void shadow(Shadow s) {
        Active a = active.get();
        if (!loaded.containsKey(s.candidate())) {
            throw new IllegalArgumentException("version " + s.candidate() + " of " + name + " is not loaded");
        }
        if (a != null && a.version().version() == s.candidate()) {
            throw new IllegalStateException("version " + s.candidate() + " of " + name + " is the active version");
        }
        shadow = s;
    }

    public synchronized Shadow clearShadow() {
        Shadow s = shadow;
        shadow = null;
        return s;
    }

    /** Every request to the active version again; returns the split that was cleared (null: none). */
    public synchronized Split clearSplit() {
        Split s = split;
        split = null;
        return s;
    }

    /** A loaded version (active or standby) with a reference taken, or null. Release it after use. */
    public LoadedVersion acquire(int version) {
        LoadedVersion v = loaded.get(version);
        return v != null && v.tryAcquire() ? v : null;
    }

    public Active active() {
        return active.get();
    }

    public LoadedVersion loaded(int version) {
        return loaded.get(version);
    }

    public List<LoadedVersion> versions() {
        List<LoadedVersion> list = new ArrayList<>(loaded.values());
        list.sort(Comparator.comparingInt(LoadedVersion::version));
        return list;
    }

    public boolean isEmpty() {
        return loaded.isEmpty();
    }

    public synchronized void add(LoadedVersion v) {
        LoadedVersion previous = loaded.put(v.version(), v);
        idleSince.put(v.version(), Instant.now());
        if (previous != null && previous != v) {
            previous.retire();
        }
    }

    /** Makes a loaded version active; returns the previously active one (null if none). */
    public synchronized LoadedVersion activate(int version, Instant since) {
        LoadedVersion v = loaded.get(version);
        if (v == null) {
            throw new IllegalArgumentException("version " + version + " of " + name + " is not loaded");
        }
        Active before = active.get();
        if (before != null && before.version() == v) {
            return v;
        }
        active.set(new Active(v, since));
        split = null; // a new active version (the candidate, promoted, or a rollback) ends the split
        shadow = null; // and the shadow, which compared the candidate with the version no longer active
        idleSince.remove(version);
        if (before != null) {
            idleSince.put(before.version().version(), Instant.now());
            return before.version();
        }
        return null;
    }

    /** Removes a non-active version; false when it is not loaded. */
    public synchronized boolean unload(int version) {
        Active a = active.get();
        if (a != null && a.version().version() == version) {
            throw new IllegalStateException("version " + version + " of " + name + " is active");
        }
        LoadedVersion v = loaded.remove(version);
        idleSince.remove(version);
        if (v == null) {
            return false;
        }
        Split s = split;
        if (s != null && s.candidate() == version) {
            split = null;
        }
        Shadow sh = shadow;
        if (sh != null && sh.candidate() == version) {
            shadow = null;
        }
        v.retire();
        return true;
    }

    /**
     * Unloads every version, the active one included: the service stops answering (requests already
     * running finish on the version they hold). Returns the versions that were loaded.
     */
    public synchronized List<Integer> clear() {
        active.set(null);
        split = null;
        shadow = null;
        List<Integer> removed = new ArrayList<>(loaded.keySet());
        removed.sort(null);
        for (Integer version : removed) {
            loaded.remove(version).retire();
        }
        idleSince.clear();
        return removed;
    }

    /** Unloads the longest-idle non-active versions beyond {@code standby}, sparing {@code keep}. */
    public synchronized List<Integer> trim(int standby, int keep) {
        List<Integer> idle = new ArrayList<>(idleSince.keySet());
        idle.remove(Integer.valueOf(keep));
        Split s = split;
        if (s != null) {
            idle.remove(Integer.valueOf(s.candidate())); // the candidate serves traffic: never trimmed
        }
        Shadow sh = shadow;
        if (sh != null) {
            idle.remove(Integer.valueOf(sh.candidate()));
        }
        idle.sort(Comparator.comparing(idleSince::get));
        int excess = idleSince.size() - standby;
        List<Integer> removed = new ArrayList<>();
        for (int i = 0; i < excess && i < idle.size(); i++) {
            unload(idle.get(i));
            removed.add(idle.get(i));
        }
        return removed;
    }
}
