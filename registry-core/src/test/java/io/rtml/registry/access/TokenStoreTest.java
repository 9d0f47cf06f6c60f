package io.rtml.registry.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.registry.RegistryJpaTest;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Tokens as stored: found by the hash of their secret, their roles and typed scopes kept as jsonb. */
class TokenStoreTest extends RegistryJpaTest {

    @Autowired
    ApiTokenRepository tokens;

    @Autowired
    EntityManager em;

    @Test
    void aTokenIsFoundByItsSecretHashWithItsRolesAndScopes() {
        String hash = randomHash();
        tokens.saveAndFlush(new ApiToken("ci", hash, "rtml_ab", Set.of(Role.PUBLISHER),
                List.of("model:team-a.*", "service:checkout"), "admin", Instant.now(), null));
        em.clear();

        Actor actor = tokens.findBySecretHash(hash).orElseThrow().actor("10.0.0.1");

        assertThat(actor.roles()).containsExactly(Role.PUBLISHER);
        assertThat(actor.scopes()).containsExactly("model:team-a.*", "service:checkout");
        assertThat(actor.allows(Role.PUBLISHER, Resource.MODEL, "team-a.churn")).isTrue();
        assertThat(actor.allows(Role.PUBLISHER, Resource.MODEL, "team-b.churn")).isFalse();
        assertThat(tokens.findBySecretHash(randomHash())).isEmpty();
    }

    @Test
    void secretHashesAreUniqueAndWellFormed() {
        String hash = randomHash();
        tokens.saveAndFlush(token(hash));

        assertThat(refusal(() -> tokens.saveAndFlush(token(hash)))).hasMessageContaining("api_token_secret_hash_unique");
        assertThat(refusal(() -> tokens.saveAndFlush(token("not-a-hash")))).hasMessageContaining("api_token_secret_hash_format");
    }

    @Test
    void aRevokedOrExpiredTokenIsNoLongerValid() {
        Instant now = Instant.now();
        ApiToken expiring = tokens.saveAndFlush(new ApiToken("short", randomHash(), "rtml_cd", Set.of(Role.VIEWER), List.of(),
                "admin", now, now.plusSeconds(60)));
        ApiToken revoked = tokens.saveAndFlush(token(randomHash()));
        revoked.revoke(now);
        tokens.flush();
        em.clear();

        assertThat(tokens.findById(expiring.id()).orElseThrow().isValidAt(now)).isTrue();
        assertThat(tokens.findById(expiring.id()).orElseThrow().isValidAt(now.plusSeconds(61))).isFalse();
        assertThat(tokens.findById(revoked.id()).orElseThrow().isValidAt(now)).isFalse();
    }

    private static ApiToken token(String hash) {
        return new ApiToken("t", hash, "rtml_ef", Set.of(Role.ADMIN), List.of(), "admin", Instant.now(), null);
    }

    private static String randomHash() {
        byte[] bytes = new byte[32];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
