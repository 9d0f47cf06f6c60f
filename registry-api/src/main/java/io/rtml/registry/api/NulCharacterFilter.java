package io.rtml.registry.api;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.NulCharacters;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a NUL character ({@link NulCharacters}) in the path, the query string (raw or as
 * {@code %00}) or any header before anything reads them: one DEBUG line and a 400 problem. JSON
 * bodies are checked as they are read ({@link NulCharacterModule}), form fields where they are used.
 */
@Component
@Order(0)
class NulCharacterFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(NulCharacterFilter.class);

    private final ProblemWriter problems;

    NulCharacterFilter(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String where = nulIn(request);
        if (where != null) {
            log.debug("refused a request with a NUL character in its {}", where);
            problems.write(response, ErrorCode.VALIDATION_FAILED, NulCharacters.refusal(where).getMessage());
            return;
        }
        chain.doFilter(request, response);
    }

    private static String nulIn(HttpServletRequest request) {
        if (holdsNul(request.getRequestURI())) {
            return "path";
        }
        if (holdsNul(request.getQueryString())) {
            return "query string";
        }
        for (String name : Collections.list(request.getHeaderNames())) {
            for (String value : Collections.list(request.getHeaders(name))) {
                if (holdsNul(value)) {
                    return "header " + name.replaceAll("[^A-Za-z0-9-]", "?");
                }
            }
        }
        return null;
    }

    private static boolean holdsNul(String raw) {
        return raw != null && (raw.indexOf('\0') >= 0 || raw.toLowerCase(Locale.ROOT).contains("%00"));
    }
}
