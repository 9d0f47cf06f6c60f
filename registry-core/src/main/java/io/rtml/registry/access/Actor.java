package io.rtml.registry.audit;

/**
 * Who asks for a change, and from where. Passed explicitly into every mutating service call so the
 * audit trail never depends on thread-local state.
 */
public record Actor(String name, String address) {

    public static Actor system() {
        return new Actor("system", null);
    }
}
