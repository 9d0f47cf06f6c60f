package io.rtml.scoring.runtime;

/**
 * How a prediction request chooses its version: {@code pinned}, the text of its {@code
 * Rtml-Model-Version} header (a loaded version it must run on), or else the service's traffic
 * split, sticky by {@code key} (its {@code Rtml-Route-Key} header) when given. Both null: the split
 * at random, or the active version when there is none.
 */
public record Route(String pinned, String key) {

    public static final Route NONE = new Route(null, null);
}
