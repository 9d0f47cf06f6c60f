package io.rtml.registry.access;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.registry.audit.AuditLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Issues, lists, revokes and checks API tokens. */
@Service
public class TokenService {

    /** Recording each use would make every read a write; once a minute is enough to see stale tokens. */
    private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    private final ApiTokenRepository tokens;
    private final AuditLog audit;
    private final Clock clock;

    TokenService(ApiTokenRepository tokens, AuditLog audit, Clock clock) {
        this.tokens = tokens;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    public CreatedTokenResponse create(CreateTokenRequest request, Actor actor) {
        actor.requireUnscoped(Role.ADMIN);
        if (request.roles().contains(Role.NODE)) {
            throw new RtmlException(ErrorCode.VALIDATION_FAILED, "the node role is not given to API tokens: every"
                    + " target gets its own node credential when it is registered (POST /api/v1/targets)");
        }
        List<String> scopes = Scopes.check(request.scopes());
        if (request.expiresAt() != null && !request.expiresAt().isAfter(clock.instant())) {
            throw new RtmlException(ErrorCode.VALIDATION_FAILED, "expiresAt must be in the future");
        }
        String secret = TokenSecrets.generate();
        ApiToken token = issue(request.name(), secret, request.roles(), scopes, actor, request.expiresAt());
        return new CreatedTokenResponse(token.toResponse(), secret);
    }

    @Transactional(readOnly = true)
    public List<TokenResponse> list(Actor actor) {
        actor.requireUnscoped(Role.ADMIN);
        return tokens.findAllByOrderById().stream().map(ApiToken::toResponse).toList();
    }

    @Transactional
    public void revoke(long id, Actor actor) {
        actor.requireUnscoped(Role.ADMIN);
        ApiToken token = tokens.findById(id).orElseThrow(() -> new RtmlException(ErrorCode.NOT_FOUND, "no token " + id));
        token.revoke(clock.instant());
        audit.record(actor, "token.revoke", "api_token", token.name(), Map.of("id", id));
    }

    /** The actor a bearer secret stands for, if it is a live token. */
    @Transactional
    public Optional<Actor> authenticate(String secret, String address) {
        Instant now = clock.instant();
        return tokens.findBySecretHash(TokenSecrets.hash(secret))
                .filter(token -> token.isValidAt(now))
                .map(token -> {
                    if (token.lastUsedAt() == null || token.lastUsedAt().plus(LAST_USED_RESOLUTION).isBefore(now)) {
                        token.usedAt(now);
                    }
                    return token.actor(address);
                });
    }

    /**
     * Makes sure an administrator can get in: creates the configured admin token if it is not
     * there yet, or, on a first start without one, a random admin token that is returned to be
     * shown once. Returns the new secret when one was generated.
     */
    @Transactional
    public Optional<String> bootstrap(String configuredSecret) {
        tokens.lockForBootstrap();
        if (configuredSecret != null && !configuredSecret.isBlank()) {
            if (configuredSecret.length() < TokenSecrets.MIN_CONFIGURED_LENGTH) {
                throw new IllegalStateException("rtml.security.bootstrap-admin-token must have at least "
                        + TokenSecrets.MIN_CONFIGURED_LENGTH + " characters");
            }
            if (tokens.findBySecretHash(TokenSecrets.hash(configuredSecret)).isEmpty()) {
                issue("bootstrap-admin", configuredSecret, Set.of(Role.ADMIN), List.of(), Actor.system(), null);
            }
            return Optional.empty();
        }
        if (tokens.existsByRevokedAtIsNull()) {
            return Optional.empty();
        }
        String secret = TokenSecrets.generate();
        issue("initial-admin", secret, Set.of(Role.ADMIN), List.of(), Actor.system(), null);
        return Optional.of(secret);
    }

    private ApiToken issue(String name, String secret, Set<Role> roles, List<String> scopes, Actor actor, Instant expiresAt) {
        ApiToken token = tokens.save(new ApiToken(name, TokenSecrets.hash(secret), TokenSecrets.prefix(secret), roles,
                scopes, actor.name(), clock.instant(), expiresAt));
        audit.record(actor, "token.create", "api_token", name,
                Map.of("roles", roles.stream().map(Role::label).sorted().toList(), "scopes", scopes));
        return token;
    }
}
