package io.rtml.registry.access;

import io.rtml.problem.ErrorCode;
import io.rtml.registry.api.ProblemWriter;
import io.rtml.registry.audit.AuditLog;
import io.rtml.registry.target.NodeAuthenticator;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every request needs a live bearer token, except health probes, the gallery's static files and the
 * API's description (the OpenAPI document and its Swagger UI page).
 * A refusal is a 401 problem and an audit event; changing requests are rate limited per token.
 */
@Component
@Order(1)
class TokenAuthenticationFilter extends OncePerRequestFilter {

    private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    /** The gallery page's static files: they hold no data; the page asks for a token to call the API. */
    private static final Set<String> GALLERY_ASSETS = Set.of("/", "/index.html", "/gallery.js", "/gallery.css",
            "/favicon.ico");

    /**
     * The OpenAPI document and the Swagger UI page: the shape of the API, the same for everyone and
     * published in the repository anyway; the page asks for a token before it calls the API.
     */
    private static final Pattern API_DOCS = Pattern.compile("/v3/api-docs(/.*)?|/swagger-ui\\.html|/swagger-ui/.*");

    /** All a node credential may ask for; the service then checks that the target is its own. */
    private static final Pattern NODE_PATHS = Pattern.compile("/api/v1/targets/[^/]+/desired-state");

    private final TokenService tokens;
    private final NodeAuthenticator nodes;
    private final RateLimiter limiter;
    private final AuditLog audit;
    private final ProblemWriter problems;

    TokenAuthenticationFilter(TokenService tokens, NodeAuthenticator nodes, RateLimiter limiter, AuditLog audit,
            ProblemWriter problems) {
        this.tokens = tokens;
        this.nodes = nodes;
        this.limiter = limiter;
        this.audit = audit;
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return path.equals("/actuator/health") || path.startsWith("/actuator/health/") || path.equals("/error")
                || (READ_METHODS.contains(request.getMethod())
                        && (GALLERY_ASSETS.contains(path) || isApiDocs(path, request.getServletPath())));
    }

    /**
     * Matched on the path as sent, and only when the container resolved nothing in it: a prefix
     * match on the raw path would let {@code /swagger-ui/../api/v1/models} through unauthenticated.
     */
    private static boolean isApiDocs(String rawPath, String resolvedPath) {
        return rawPath.equals(resolvedPath) && API_DOCS.matcher(rawPath).matches();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            refuse(request, response, "this endpoint needs 'Authorization: Bearer <token>'");
            return;
        }
        String secret = header.substring(7).trim();
        Optional<Actor> actor = tokens.authenticate(secret, request.getRemoteAddr())
                .or(() -> nodes.authenticate(secret, request.getRemoteAddr()));
        if (actor.isEmpty()) {
            refuse(request, response, "the bearer token is not valid: unknown, expired or revoked");
            return;
        }
        if (actor.get().isNode() && !(READ_METHODS.contains(request.getMethod())
                && NODE_PATHS.matcher(request.getRequestURI()).matches())) {
            String detail = actor.get().name() + " may only read its own target's desired state";
            audit.recordAlone(actor.get(), "access.forbidden", "request",
                    request.getMethod() + " " + truncate(request.getRequestURI()), Map.of("reason", detail));
            problems.write(response, ErrorCode.FORBIDDEN, detail);
            return;
        }
        if (!READ_METHODS.contains(request.getMethod())) {
            Optional<Duration> wait = limiter.acquire("token:" + actor.get().name());
            if (wait.isPresent()) {
                tooMany(response, wait.get(), "this token made too many changes in the last minute");
                return;
            }
        }
        request.setAttribute(Actor.REQUEST_ATTRIBUTE, actor.get());
        chain.doFilter(request, response);
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, String detail) throws IOException {
        String address = request.getRemoteAddr();
        Optional<Duration> wait = limiter.acquire("address:" + address);
        if (wait.isPresent()) {
            tooMany(response, wait.get(), "too many failed authentications from " + address);
            return;
        }
        audit.recordAlone(new Actor("anonymous", address, Set.of(), List.of()), "access.unauthenticated", "request",
                request.getMethod() + " " + truncate(request.getRequestURI()), Map.of("reason", detail));
        response.setHeader("WWW-Authenticate", "Bearer realm=\"rtml\"");
        problems.write(response, ErrorCode.UNAUTHENTICATED, detail);
    }

    private void tooMany(HttpServletResponse response, Duration wait, String detail) throws IOException {
        response.setHeader("Retry-After", String.valueOf(Math.max(1, wait.toSeconds() + 1)));
        problems.write(response, ErrorCode.TOO_MANY_REQUESTS, detail + "; retry after the Retry-After seconds");
    }

    private static String truncate(String path) {
        return path.length() > 200 ? path.substring(0, 200) + "…" : path;
    }
}
