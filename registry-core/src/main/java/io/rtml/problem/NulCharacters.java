package io.rtml.problem;

import io.rtml.problem.RtmlException.FieldError;
import java.util.List;

/**
 * PostgreSQL refuses U+0000 in text and jsonb, so a user string holding one would fail deep in a
 * query as a 500. Every way such a string comes in (query parameters, headers, JSON bodies, form
 * fields, names inside a JSON tree) is checked with this first and refused as a 400.
 */
public final class NulCharacters {

    private NulCharacters() {}

    /** Returns {@code value}, or throws a 400 VALIDATION_FAILED naming {@code field} when it holds U+0000. */
    public static String refuse(String field, String value) {
        if (value != null && value.indexOf('\0') >= 0) {
            throw refusal(field);
        }
        return value;
    }

    public static RtmlException refusal(String field) {
        String why = "must not contain NUL characters (U+0000)";
        return new RtmlException(ErrorCode.VALIDATION_FAILED, "the request is not valid: " + field + " " + why,
                List.of(new FieldError(field, why)), null);
    }
}
