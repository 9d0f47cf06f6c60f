package io.rtml.registry.paging;

/** Which page to read: a decoded cursor (null for the first page) and how many items. */
public record PageRequest(PageToken token, int size) {

    public static PageRequest first(int size) {
        return new PageRequest(null, size);
    }
}
