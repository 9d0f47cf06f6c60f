package io.rtml.registry.api;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.problem.RtmlException.FieldError;
import io.rtml.registry.access.Actor;
import io.rtml.registry.audit.AuditLog;
import jakarta.servlet.http.HttpServletRequest;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import software.amazon.awssdk.core.exception.SdkException;
import tools.jackson.core.JacksonException;

/**
 * The one place that turns failures into RFC 9457 problems: rtml's own exceptions by their code,
 * Spring MVC's by their status. 5xx are logged at ERROR with the stack trace, 4xx at DEBUG.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    private final AuditLog audit;

    ProblemHandler(AuditLog audit) {
        this.audit = audit;
    }

    @ExceptionHandler(RtmlException.class)
    ResponseEntity<Object> rtml(RtmlException e, HttpServletRequest request) {
        if (e.code() == ErrorCode.FORBIDDEN && request.getAttribute(Actor.REQUEST_ATTRIBUTE) instanceof Actor actor) {
            audit.recordAlone(actor, "access.forbidden", "request", request.getMethod() + " " + request.getRequestURI(),
                    Map.of("reason", e.getMessage()));
        }
        if (e.code() == ErrorCode.TOO_MANY_REQUESTS) {
            return ResponseEntity.status(429).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .header(HttpHeaders.RETRY_AFTER, "5").body(Problems.of(e.code(), e.getMessage(), e.errors()));
        }
        if (e.code().status() >= 500) {
            log.error("request failed: {}", e.getMessage(), e);
        } else {
            log.debug("request refused: {} {}", e.code(), e.getMessage());
        }
        return respond(Problems.of(e.code(), e.getMessage(), e.errors(), e.extensions()));
    }

    @ExceptionHandler(UncheckedIOException.class)
    ResponseEntity<Object> interrupted(UncheckedIOException e) {
        log.debug("request body could not be read: {}", e.getMessage());
        return respond(Problems.of(ErrorCode.MALFORMED_REQUEST,
                "the request body could not be read to the end (" + e.getMessage() + "); nothing was kept", List.of()));
    }

    @ExceptionHandler(SdkException.class)
    ResponseEntity<Object> storage(SdkException e) {
        log.error("artifact storage failed: {}", e.getMessage(), e);
        return respond(Problems.of(ErrorCode.STORAGE_UNAVAILABLE,
                "the artifact store did not answer as expected; try again later", List.of()));
    }

    /** The container could not receive a multipart upload: the client's fault unless the server's disk is full. */
    @ExceptionHandler(MultipartException.class)
    ResponseEntity<Object> multipart(MultipartException e) {
        if (String.valueOf(NestedExceptionUtils.getMostSpecificCause(e).getMessage()).contains("No space left")) {
            log.error("multipart upload could not be stored: {}", e.getMessage(), e);
            return respond(Problems.of(ErrorCode.INSUFFICIENT_STORAGE, "the server has no disk space left to receive"
                    + " the upload; nothing was kept, try again later", List.of()));
        }
        log.debug("multipart body could not be read: {}", e.getMessage());
        return respond(Problems.of(ErrorCode.MALFORMED_REQUEST, "the multipart body could not be read to the end ("
                + firstLine(NestedExceptionUtils.getMostSpecificCause(e).getMessage()) + "); nothing was kept", List.of()));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e) {
        if (DatabaseFailures.isUnavailable(e)) {
            log.error("database unavailable: {}", e.getMessage());
            return ResponseEntity.status(503).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .header(HttpHeaders.RETRY_AFTER, DatabaseFailures.RETRY_AFTER_SECONDS)
                    .body(DatabaseFailures.problem());
        }
        log.error("unexpected failure", e);
        return respond(Problems.of(ErrorCode.INTERNAL_ERROR, "an unexpected error occurred; it has been logged", List.of()));
    }

    /** A value the domain refused while the JSON was read (an unknown role, say) keeps its own code and message. */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        Throwable root = NestedExceptionUtils.getMostSpecificCause(e);
        if (root instanceof RtmlException refused) {
            return respond(Problems.of(refused.code(), refused.getMessage(), refused.errors()));
        }
        log.debug("unreadable request body: {}", root.getMessage());
        List<FieldError> errors = root instanceof JacksonException json && !json.getPath().isEmpty()
                ? List.of(new FieldError(field(json.getPath()), firstLine(json.getOriginalMessage()))) : List.of();
        return respond(Problems.of(ErrorCode.MALFORMED_REQUEST,
                "the request body is not valid JSON for this endpoint: " + firstLine(root.getMessage()), errors));
    }

    /** Where in the body a value was refused, as a client writes it: {@code waves[0].percent}. */
    private static String field(List<JacksonException.Reference> path) {
        StringBuilder field = new StringBuilder();
        for (JacksonException.Reference step : path) {
            if (step.getPropertyName() != null) {
                field.append(field.isEmpty() ? "" : ".").append(step.getPropertyName());
            } else if (step.getIndex() >= 0) {
                field.append('[').append(step.getIndex()).append(']');
            }
        }
        return field.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        String line = message.lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        List<FieldError> errors = e.getBindingResult().getFieldErrors().stream()
                .map(f -> new FieldError(f.getField(), f.getDefaultMessage()))
                .toList();
        String detail = errors.isEmpty() ? "the request is not valid"
                : "the request is not valid: " + errors.get(0).field() + " " + errors.get(0).message();
        return respond(Problems.of(ErrorCode.VALIDATION_FAILED, detail, errors));
    }

    /** Spring's own problems (404, 405, 415, 413, unreadable JSON, …) get our type, title and code. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception e, Object body, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        log.debug("request refused by Spring MVC: {}", e.getMessage());
        String detail = body instanceof ProblemDetail problem && problem.getDetail() != null ? problem.getDetail()
                : e.getMessage();
        ProblemDetail problem = Problems.of(Problems.codeFor(status.value()), detail, List.of());
        HttpHeaders copy = new HttpHeaders();
        copy.putAll(headers);
        copy.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return new ResponseEntity<>(problem, copy, status);
    }

    private static ResponseEntity<Object> respond(ProblemDetail problem) {
        var response = ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (problem.getStatus() == 413) {
            // The rest of an oversized body is never read: closing stops the client sending it and
            // stops the server waiting for it.
            response.header(HttpHeaders.CONNECTION, "close");
        }
        return response.body(problem);
    }
}
