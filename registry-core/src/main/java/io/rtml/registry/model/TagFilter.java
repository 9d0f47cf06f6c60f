package io.rtml.registry.model;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses {@code tag=key:value} query parameters; several are combined with AND. */
public final class TagFilter {

    private TagFilter() {}

    public static Map<String, String> parse(List<String> params) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (params == null) {
            return tags;
        }
        for (String param : params) {
            int colon = param.indexOf(':');
            if (colon <= 0) {
                throw new RtmlException(ErrorCode.VALIDATION_FAILED,
                        "tag filter " + Names.quote(param) + " must have the form key:value");
            }
            tags.put(param.substring(0, colon), param.substring(colon + 1));
        }
        return Names.checkTags(tags);
    }
}
