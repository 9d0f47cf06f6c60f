package io.rtml.deployment;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Not a test: µs per credential derivation, the way before the per-thread HMAC (algorithm lookup and
 * keying per call) against {@link NodeCredentials#derive}, side by side in one JVM, 5 rounds of
 * 200,000 each. Run from the module's test classpath (see docs/runs/fleet-speed2.md).
 */
public final class NodeCredentialsBenchmark {

    private NodeCredentialsBenchmark() {}

    public static void main(String[] args) throws Exception {
        String key = "a-node-credential-key-of-some-length";
        NodeCredentials credentials = new NodeCredentials(new NodeCredentialProperties(key));
        String salt = NodeCredentials.newSalt();
        int n = 200_000;
        long sink = 0;
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                byte[] tag = mac.doFinal(("rtml-node-credential\0edge-" + (i % 300) + "\0" + salt)
                        .getBytes(StandardCharsets.UTF_8));
                sink += (NodeCredentials.PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(tag)).length();
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += credentials.derive("edge-" + (i % 300), salt).length();
            }
            long t2 = System.nanoTime();
            System.out.printf("round %d: per call, keyed each time %.2f µs, per-thread HMAC %.2f µs%n", round,
                    (t1 - t0) / 1e3 / n, (t2 - t1) / 1e3 / n);
        }
        System.out.println(sink == 0 ? "" : "done");
    }
}
