package io.rtml.registry.apidocs;

import io.rtml.problem.ErrorCode;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
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

    /** A path or query parameter that is not text: a value that does not convert to its type (400). */
    static final Set<ErrorCode> CONVERTED = EnumSet.of(ErrorCode.MALFORMED_REQUEST);

    private DocumentedProblems() {}

    public static Set<ErrorCode> of(HandlerMethod handler) {
        Set<ErrorCode> codes = EnumSet.copyOf(COMMON);
        if (Arrays.stream(handler.getMethodParameters()).anyMatch(p -> p.hasParameterAnnotation(RequestBody.class))) {
            codes.addAll(BODY);
        }
        if (Arrays.stream(handler.getMethodParameters()).anyMatch(DocumentedProblems::converted)) {
            codes.addAll(CONVERTED);
        }
        ProblemCodes own = handler.getMethodAnnotation(ProblemCodes.class);
        if (own != null) {
            codes.addAll(Arrays.asList(own.value()));
        }
        return codes;
    }

    /** A number (an id, a page size) in the path or the query: Spring answers 400 to one that is not. */
    private static boolean converted(MethodParameter parameter) {
        if (!parameter.hasParameterAnnotation(PathVariable.class) && !parameter.hasParameterAnnotation(RequestParam.class)) {
            return false;
        }
        Class<?> type = Collection.class.isAssignableFrom(parameter.getParameterType())
                ? parameter.nested().getNestedParameterType() : parameter.getParameterType();
        return !CharSequence.class.isAssignableFrom(type);
    }
}
