package io.rtml.problem;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A failure the caller can understand and act on; rendered as an RFC 9457 problem with the
 * code's status. {@code errors} lists field-level details where there are several.
 */
public class RtmlException extends RuntimeException {

    private final ErrorCode code;
    private final List<FieldError> errors;
    private final Map<String, Object> extensions;

    /** One offending field (a JSON pointer or parameter name) and what is wrong with it. */
    public record FieldError(String field, String message) {}

    public RtmlException(ErrorCode code, String detail) {
        this(code, detail, List.of(), null);
    }

    public RtmlException(ErrorCode code, String detail, Throwable cause) {
        this(code, detail, List.of(), cause);
    }

    public RtmlException(ErrorCode code, String detail, List<FieldError> errors, Throwable cause) {
        this(code, detail, errors, Map.of(), cause);
    }

    /**
     * @param extensions further members of the problem body (RFC 9457 extension members), by name,
     *     in the order given; for details a client acts on by machine, such as a list of differences
     */
    public RtmlException(ErrorCode code, String detail, Map<String, Object> extensions) {
        this(code, detail, List.of(), extensions, null);
    }

    private RtmlException(ErrorCode code, String detail, List<FieldError> errors, Map<String, Object> extensions,
            Throwable cause) {
        super(detail, cause);
        this.code = code;
        this.errors = List.copyOf(errors);
        this.extensions = Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
    }

    public ErrorCode code() {
        return code;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Map<String, Object> extensions() {
        return extensions;
    }
}
