package io.rtml.scoring.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every service this node knows, by name, plus whether the node has finished restoring its saved
 * state (the readiness the health endpoint reports).
 */
public final class Services {

    private final ConcurrentHashMap<String, ServiceSlot> slots = new ConcurrentHashMap<>();
    private volatile boolean ready;

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
        ServiceSlot slot = slots.remove(name);
        return slot == null ? List.of() : slot.clear();
    }

    public boolean ready() {
        return ready;
    }

    public void markReady() {
        ready = true;
    }

    /** Adds a version to its service's slot, replacing (and retiring) a same-numbered one. */
    public void add(LoadedVersion v) {
        getOrCreate(v.service()).add(v);
    }
}
