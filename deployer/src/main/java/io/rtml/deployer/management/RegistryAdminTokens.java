package io.rtml.deployer.management;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The deployer has no tokens of its own: its Actuator accepts the registry's live admin tokens,
 * checked against the api_token table of the database both share (the secret's SHA-256, as the
 * registry stores it). One operator token works for both apps, and revoking it in the registry
 * revokes it here at once.
 */
@Component
class RegistryAdminTokens {

    private static final String LIVE_ADMIN = """
            SELECT count(*) FROM api_token
            WHERE secret_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
              AND roles @> '["admin"]'::jsonb AND scopes = '[]'::jsonb""";

    private final JdbcTemplate jdbc;

    RegistryAdminTokens(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * True for a live admin token without scope limits (the deployer's metrics and health cover
     * every service and target, like the registry's audit log); false for anything else, also when the database cannot say. */
    boolean isAdmin(String secret) {
        if (secret == null || secret.isBlank() || secret.length() > 200) {
            return false;
        }
        try {
            Long rows = jdbc.queryForObject(LIVE_ADMIN, Long.class, sha256(secret));
            return rows != null && rows > 0;
        } catch (DataAccessException e) {
            return false;
        }
    }

    private static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
