package io.rtml.registry.api;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException.FieldError;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** Builds RFC 9457 problem bodies with rtml's stable {@code type}, {@code title} and {@code code}. */
public final class Problems {

    private static final String TYPE_BASE = "https://rtml.io/problems/";

    private Problems() {}

    public static ProblemDetail of(ErrorCode code, String detail, List<FieldError> errors) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(code.status()), detail);
        problem.setType(URI.create(TYPE_BASE + code.name().toLowerCase(Locale.ROOT).replace('_', '-')));
        problem.setTitle(code.title());
        problem.setProperty("code", code.name());
        if (!errors.isEmpty()) {
            problem.setProperty("errors", errors);
        }
        return problem;
    }

    /** As {@link #of(ErrorCode, String, List)}, with further members (say, {@code differences}) next to {@code code}. */
    public static ProblemDetail of(ErrorCode code, String detail, List<FieldError> errors, Map<String, Object> extensions) {
        ProblemDetail problem = of(code, detail, errors);
        extensions.forEach(problem::setProperty);
        return problem;
    }

    /** The code for a failure Spring raised before our code ran, by its status. */
    public static ErrorCode codeFor(int status) {
        return switch (status) {
            case 400 -> ErrorCode.MALFORMED_REQUEST;
            case 401 -> ErrorCode.UNAUTHENTICATED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 406 -> ErrorCode.NOT_ACCEPTABLE;
            case 408 -> ErrorCode.REQUEST_TIMEOUT;
            case 409 -> ErrorCode.CONFLICT;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 429 -> ErrorCode.TOO_MANY_REQUESTS;
            case 503 -> ErrorCode.STORAGE_UNAVAILABLE;
            case 507 -> ErrorCode.INSUFFICIENT_STORAGE;
            default -> status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.MALFORMED_REQUEST;
        };
    }
}
