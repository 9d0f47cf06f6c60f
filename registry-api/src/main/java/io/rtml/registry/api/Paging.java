package io.rtml.registry.api;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.registry.paging.PageRequest;
import io.rtml.registry.paging.PageToken;
import org.springframework.stereotype.Component;

/** Turns the {@code pageSize} and {@code pageToken} query parameters into a checked page request. */
@Component
public class Paging {

    private final ApiProperties properties;

    Paging(ApiProperties properties) {
        this.properties = properties;
    }

    public PageRequest of(Integer pageSize, String pageToken) {
        int size = pageSize == null ? properties.defaultPageSize() : pageSize;
        if (size < 1 || size > properties.maxPageSize()) {
            throw new RtmlException(ErrorCode.VALIDATION_FAILED,
                    "pageSize must be between 1 and " + properties.maxPageSize() + ", got " + size);
        }
        return new PageRequest(PageToken.decode(pageToken), size);
    }

    /** A {@code limit} query parameter, under the same bounds as {@code pageSize}. */
    public int limit(Integer limit) {
        int size = limit == null ? properties.defaultPageSize() : limit;
        if (size < 1 || size > properties.maxPageSize()) {
            throw new RtmlException(ErrorCode.VALIDATION_FAILED, "limit must be between 1 and "
                    + properties.maxPageSize() + ", got " + size,
                    java.util.List.of(new RtmlException.FieldError("limit", "must be between 1 and "
                            + properties.maxPageSize())), null);
        }
        return size;
    }
}
