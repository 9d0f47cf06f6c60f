package io.rtml.registry.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Renders errors that happen outside Spring MVC (the servlet container refusing a request, a
 * filter failing) as problem details too, instead of the default error page.
 */
@RestController
class ProblemErrorController implements ErrorController {

    @RequestMapping(value = "/error", produces = {MediaType.APPLICATION_PROBLEM_JSON_VALUE, MediaType.ALL_VALUE})
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object statusAttribute = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = statusAttribute instanceof Integer s ? s : 500;
        String detail = switch (status) {
            case 404 -> "no such resource: " + request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
            case 413 -> "the request body is larger than this endpoint accepts";
            case 408 -> request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof BodyTooSlowException slow
                    ? slow.getMessage() + "; nothing was kept"
                    : "the client sent nothing for longer than the read timeout (rtml.api.clients.read-timeout);"
                            + " nothing was kept";
            default -> status >= 500 ? "an unexpected error occurred; it has been logged" : "the request was refused";
        };
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.of(Problems.codeFor(status), detail, List.of()));
    }
}
