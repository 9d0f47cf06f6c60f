package io.rtml.registry.apidocs;

import io.rtml.problem.ErrorCode;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.method.HandlerMethod;

/** The problem codes an operation documents: those of every operation, of a JSON body, and its own. */
public final class DocumentedProblems {

    /**
     * Every operation: the token filter (401, 403 for a node credential off its path, 429 after too
     * many failed authentications or changes), the NUL-character filter (400), the database (503)
     * and the unexpected (500).
     */
    static final Set<ErrorCode> COMMON = EnumSet.of(ErrorCode.VALIDATION_FAILED, ErrorCode.UNAUTHENTICATED,
            ErrorCode.FORBIDDEN, ErrorCode.TOO_MANY_REQUESTS, ErrorCode.INTERNAL_ERROR, ErrorCode.DATABASE_UNAVAILABLE);

    /** An operation that reads a JSON body: unreadable (400), too large (413), too slow (408), not JSON (415). */
    static final Set<ErrorCode> BODY = EnumSet.of(ErrorCode.MALFORMED_REQUEST, ErrorCode.REQUEST_TIMEOUT,
            ErrorCode.PAYLOAD_TOO_LARGE, ErrorCode.UNSUPPORTED_MEDIA_TYPE);

    private DocumentedProblems() {}

    public static Set<ErrorCode> of(HandlerMethod handler) {
        Set<ErrorCode> codes = EnumSet.copyOf(COMMON);
        if (Arrays.stream(handler.getMethodParameters()).anyMatch(p -> p.hasParameterAnnotation(RequestBody.class))) {
            codes.addAll(BODY);
        }
        ProblemCodes own = handler.getMethodAnnotation(ProblemCodes.class);
        if (own != null) {
            codes.addAll(Arrays.asList(own.value()));
        }
        return codes;
    }
}
