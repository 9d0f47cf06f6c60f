package io.rtml.problem;

import java.util.List;

/**
 * A failure the caller can understand and act on; rendered as an RFC 9457 problem with the
 * code's status. {@code errors} lists field-level details where there are several.
 */
public class RtmlException extends RuntimeException {

    private final ErrorCode code;
    private final List<FieldError> errors;

    /** One offending field (a JSON pointer or parameter name) and what is wrong with it. */
    public record FieldError(String field, String message) {}

    public RtmlException(ErrorCode code, String detail) {
        this(code, detail, List.of(), null);
    }

    public RtmlException(ErrorCode code, String detail, Throwable cause) {
        this(code, detail, List.of(), cause);
    }

    public RtmlException(ErrorCode code, String detail, List<FieldError> errors, Throwable cause) {
        super(detail, cause);
        this.code = code;
        this.errors = List.copyOf(errors);
    }

    public ErrorCode code() {
        return code;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
