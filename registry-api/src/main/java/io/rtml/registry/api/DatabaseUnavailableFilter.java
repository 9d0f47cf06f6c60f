package io.rtml.registry.api;

import io.rtml.problem.ErrorCode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers 503 {@code DATABASE_UNAVAILABLE} with Retry-After when the database cannot be reached
 * from a filter (authentication looks tokens up there) rather than a controller, whose failures
 * {@link ProblemHandler} answers the same way.
 */
@Component
@Order(0)
class DatabaseUnavailableFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(DatabaseUnavailableFilter.class);

    private final ProblemWriter problems;

    DatabaseUnavailableFilter(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (RuntimeException | ServletException e) {
            if (!DatabaseFailures.isUnavailable(e) || response.isCommitted()) {
                throw e;
            }
            log.error("database unavailable: {}", e.getMessage());
            response.resetBuffer();
            response.setHeader("Retry-After", DatabaseFailures.RETRY_AFTER_SECONDS);
            problems.write(response, ErrorCode.DATABASE_UNAVAILABLE, DatabaseFailures.problem().getDetail());
        }
    }
}
