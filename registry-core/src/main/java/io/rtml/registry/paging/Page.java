package io.rtml.registry.paging;

import java.util.List;
import java.util.function.Function;

/** One page of a keyset-paginated listing; {@code nextPageToken} is null on the last page. */
public record Page<T>(List<T> items, String nextPageToken) {

    /**
     * Builds a page from up to {@code size + 1} rows: the extra row only tells that another page exists.
     */
    public static <T> Page<T> of(List<T> rows, int size, Function<T, String> sortKey) {
        if (rows.size() <= size) {
            return new Page<>(rows, null);
        }
        List<T> items = rows.subList(0, size);
        return new Page<>(List.copyOf(items), PageToken.encode(sortKey.apply(items.get(size - 1))));
    }
}
