package io.rtml.deployer.management;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Guards the Actuator: {@code /actuator/health} (and its probes) stays open for load balancers
 * but shows its details (database, disk paths, bucket) only to a request with a registry admin
 * token ({@code show-details: when-authorized} sees the principal set here); every other endpoint
 * (metrics, prometheus, info) needs that token, else 401.
 */
@Component
@Order(1)
class ManagementAccessFilter extends OncePerRequestFilter {

    private final RegistryAdminTokens tokens;

    ManagementAccessFilter(RegistryAdminTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/actuator");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        boolean admin = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                && tokens.isAdmin(header.substring(7).trim());
        String path = request.getRequestURI();
        boolean health = path.equals("/actuator/health") || path.startsWith("/actuator/health/");
        if (admin) {
            chain.doFilter(asOperator(request), response);
        } else if (health) {
            chain.doFilter(request, response);
        } else {
            response.setStatus(401);
            response.setHeader("WWW-Authenticate", "Bearer realm=\"rtml-deployer\"");
            response.setContentType("application/problem+json");
            response.getOutputStream().write(("{\"type\":\"https://rtml.io/problems/unauthenticated\","
                    + "\"title\":\"Authentication required\",\"status\":401,\"code\":\"UNAUTHENTICATED\","
                    + "\"detail\":\"this endpoint needs 'Authorization: Bearer <registry admin token>'\"}")
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    private static HttpServletRequest asOperator(HttpServletRequest request) {
        Principal operator = () -> "registry-admin-token";
        return new HttpServletRequestWrapper(request) {
            @Override
            public Principal getUserPrincipal() {
                return operator;
            }
        };
    }
}
