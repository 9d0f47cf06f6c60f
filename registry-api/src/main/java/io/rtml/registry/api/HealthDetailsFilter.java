package io.rtml.registry.api;

import io.rtml.registry.access.Actor;
import io.rtml.registry.access.TokenService;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.Optional;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code /actuator/health} stays open for load balancers and probes, but its details (database,
 * disk paths, the bucket) are shown only to a request with a valid token: this filter makes such a
 * request's token its principal, which {@code show-details: when-authorized} looks for. A missing
 * or wrong token still gets the bare status, never a 401.
 */
@Component
@Order(1)
class HealthDetailsFilter extends OncePerRequestFilter {

    private final TokenService tokens;

    HealthDetailsFilter(TokenService tokens) {
        this.tokens = tokens;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !(path.equals("/actuator/health") || path.startsWith("/actuator/health/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        Optional<Actor> actor = header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) ? Optional.empty()
                : tokens.authenticate(header.substring(7).trim(), request.getRemoteAddr());
        if (actor.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        Principal principal = actor.get()::name;
        chain.doFilter(new HttpServletRequestWrapper(request) {
            @Override
            public Principal getUserPrincipal() {
                return principal;
            }
        }, response);
    }
}
