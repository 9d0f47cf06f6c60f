package io.rtml.scoring.runtime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every service this node knows, by name, plus its readiness (the health endpoint's): ready once
 * the node knows what it should serve (its saved state, or the registry's desired state) and
 * every service of that has an active version. Until then it is live but not ready, so a load
 * balancer does not send it requests it would answer 404.
 */
public final class Services {

    private final ConcurrentHashMap<String, ServiceSlot> slots = new ConcurrentHashMap<>();
    /** The services this node should serve; null while it does not know yet. */
    private volatile Set<String> expected;

    public ServiceSlot get(String name) {
        return slots.get(name);
    }

    public ServiceSlot getOrCreate(String name) {
        return slots.computeIfAbsent(name, ServiceSlot::new);
    }

    public List<ServiceSlot> all() {
        List<ServiceSlot> list = new ArrayList<>(slots.values());
        list.sort(Comparator.comparing(ServiceSlot::name));
        return list;
    }

    /** Drops a slot that no longer holds any version, so it stops showing up as a service. */
    public void removeIfEmpty(String name) {
        slots.computeIfPresent(name, (k, slot) -> slot.isEmpty() ? null : slot);
    }

    /** Forgets a service with every version it held; the versions loaded, empty if it was not here. */
    public List<Integer> remove(String name) {
        giveUp(name);
        ServiceSlot slot = slots.remove(name);
        return slot == null ? List.of() : slot.clear();
    }

    public boolean ready() {
        Set<String> wanted = expected;
        if (wanted == null) {
            return false;
        }
        for (String name : wanted) {
            ServiceSlot slot = slots.get(name);
            if (slot == null || slot.active() == null) {
                return false;
            }
        }
        return true;
    }

    /** Now the node knows what it should serve: ready as soon as each of these has an active version. */
    public synchronized void expect(Collection<String> services) {
        expected = Set.copyOf(services);
    }

    /**
     * No longer waits for {@code name} (it was removed, or its desired version cannot be loaded and
     * is left to the deployer's reconciliation): one service must not keep the whole node unready.
     */
    public synchronized void giveUp(String name) {
        Set<String> wanted = expected;
        if (wanted != null && wanted.contains(name)) {
            expected = wanted.stream().filter(n -> !n.equals(name)).collect(java.util.stream.Collectors.toUnmodifiableSet());
        }
    }

    /** Ready with nothing to serve (a node that has no saved state and no registry to ask). */
    public void markReady() {
        expect(Set.of());
    }

    /** Adds a version to its service's slot, replacing (and retiring) a same-numbered one. */
    public void add(LoadedVersion v) {
        getOrCreate(v.service()).add(v);
    }
}
