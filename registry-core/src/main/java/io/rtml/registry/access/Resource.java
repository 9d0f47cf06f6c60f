package io.rtml.registry.access;

import java.util.Locale;

/**
 * The kinds of things a scope can name. A scope is typed ({@code model:team-a.*},
 * {@code service:fraud}, {@code target:edge-eu}) so that names of different kinds never stand for
 * each other: a target called {@code edge-eu} and a service called {@code edge-eu} are two things.
 */
public enum Resource {
    MODEL,
    SERVICE,
    TARGET;

    /** The prefix of a scope of this kind: {@code model:}. */
    public String prefix() {
        return name().toLowerCase(Locale.ROOT) + ":";
    }
}
