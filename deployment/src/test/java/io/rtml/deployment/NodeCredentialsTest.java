package io.rtml.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The derivation reuses a keyed HMAC per thread: a new salt must give its new credential at once
 * (a rotation takes effect from the next call), and threads deriving at the same time must not
 * share one HMAC's state (a deployer derives on the job thread and on the answer threads at once).
 */
class NodeCredentialsTest {

    private static final String KEY = "a-node-credential-key-of-some-length";
    private final NodeCredentials credentials = new NodeCredentials(new NodeCredentialProperties(KEY));

    @Test
    void aNewSaltGivesItsNewCredentialAtOnceAndTheOldOneStillItsOwn() throws Exception {
        String first = NodeCredentials.newSalt();
        String second = NodeCredentials.newSalt();
        assertThat(credentials.derive("edge-eu", first)).isEqualTo(expected("edge-eu", first));
        assertThat(credentials.derive("edge-eu", second)).isEqualTo(expected("edge-eu", second))
                .isNotEqualTo(expected("edge-eu", first));
        assertThat(credentials.derive("edge-eu", first)).isEqualTo(expected("edge-eu", first));
        assertThat(credentials.derive("edge-us", first)).isEqualTo(expected("edge-us", first));
    }

    @Test
    void anotherKeyGivesAnotherCredentialOnTheSameThread() throws Exception {
        String salt = NodeCredentials.newSalt();
        NodeCredentials other = new NodeCredentials(new NodeCredentialProperties(KEY + "-rotated"));
        assertThat(credentials.derive("edge-eu", salt)).isNotEqualTo(other.derive("edge-eu", salt))
                .isEqualTo(expected("edge-eu", salt));
    }

    @Test
    void eightThreadsDerivingAtOnceEachGetTheirOwnTargetsCredential() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<String>>> mismatches = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                String target = "edge-" + t;
                mismatches.add(threads.submit(() -> {
                    List<String> wrong = new ArrayList<>();
                    for (int i = 0; i < 2_000; i++) {
                        String salt = NodeCredentials.newSalt();
                        if (!credentials.derive(target, salt).equals(expected(target, salt))) {
                            wrong.add(target + "/" + salt);
                        }
                    }
                    return wrong;
                }));
            }
            for (Future<List<String>> wrong : mismatches) {
                assertThat(wrong.get()).isEmpty();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** The credential as the registry's documentation defines it, computed from scratch. */
    private static String expected(String target, String salt) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] tag = mac.doFinal(("rtml-node-credential\0" + target + "\0" + salt).getBytes(StandardCharsets.UTF_8));
        return NodeCredentials.PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
    }
}
