package io.rtml.registry.apidocs;

import io.rtml.problem.ErrorCode;
import jakarta.servlet.DispatcherType;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.test.context.TestComponent;
import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Sees every problem a handler answers with in the registry-api tests and notes each whose code
 * the handler does not document ({@link DocumentedProblems#of}): every test of
 * {@code RegistryApiTest} fails on such a note, so {@code @ProblemCodes} cannot fall behind the
 * code paths the tests exercise. Problems written by filters, before a handler is chosen, and those
 * the error dispatch renders for the container are the common ones every operation documents.
 */
@TestComponent
@RestControllerAdvice
public class UndocumentedProblems implements ResponseBodyAdvice<Object> {

    private static final List<String> seen = new ArrayList<>();

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object beforeBodyWrite(Object body, MethodParameter returnType, MediaType contentType,
            Class<? extends HttpMessageConverter<?>> converterType, ServerHttpRequest request,
            ServerHttpResponse response) {
        if (body instanceof ProblemDetail problem && problem.getProperties() != null
                && problem.getProperties().get("code") instanceof String code
                && request instanceof ServletServerHttpRequest servlet
                // The error dispatch renders what the container or a filter refused: no handler chose it.
                && servlet.getServletRequest().getDispatcherType() != DispatcherType.ERROR
                && servlet.getServletRequest().getAttribute(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE)
                        instanceof HandlerMethod handler
                && handler.getBeanType().getPackageName().startsWith("io.rtml.registry")
                && !DocumentedProblems.of(handler).contains(ErrorCode.valueOf(code))) {
            synchronized (seen) {
                seen.add(handler.getBeanType().getSimpleName() + "." + handler.getMethod().getName() + " answered "
                        + code + " (" + request.getMethod() + " " + request.getURI().getPath()
                        + ") but its @ProblemCodes does not list it");
            }
        }
        return body;
    }

    /** What was noted since the last call, forgotten by this call. */
    public static List<String> drain() {
        synchronized (seen) {
            List<String> noted = List.copyOf(seen);
            seen.clear();
            return noted;
        }
    }
}
