package io.rtml.deployment;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Each target's own node credential: HMAC-SHA256(node-credential key, target name + a random salt
 * kept with the target). The registry hands it out once (when the target is registered, moved or
 * rotated) and keeps only its SHA-256; a deployer, which holds the same key, derives it again for
 * each call. A credential is the node's admin token for the deployer and its registry token, which
 * may only read that target's desired state: a rogue target only ever sees its own.
 */
public final class NodeCredentials {

    /** Tells a node credential apart from an API token ({@code rtml_}) at a glance and in the filter. */
    public static final String PREFIX = "rtml_node_";

    /** Why no credential can be derived when the key is not set. */
    public static final String UNCONFIGURED = "rtml.node-credentials.key (RTML_NODE_CREDENTIALS_KEY) is not set, so no"
            + " node credential can be issued or derived; set the same key on the registry and the deployers";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String key;

    /**
     * An HMAC already keyed, one per thread (a {@code Mac} is not thread-safe; {@code doFinal}
     * resets it for the next use). A deployer derives a credential for every call of a fan-out, on
     * the job thread and the answer threads: looking up the algorithm and keying it each time was
     * 8 of the job thread's 23 CPU samples in a rollback to 300 nodes. The key never changes for an
     * instance and the salt is only ever the message, so a new salt gives its new credential at once.
     */
    private final ThreadLocal<Mac> macs;

    public NodeCredentials(NodeCredentialProperties properties) {
        this.key = properties.key();
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }

    public boolean configured() {
        return key != null;
    }

    /** A new per-target salt: 32 random bytes, base64url. */
    public static String newSalt() {
        byte[] salt = new byte[32];
        RANDOM.nextBytes(salt);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(salt);
    }

    /** The credential of the target {@code targetName} with {@code salt}. */
    public String derive(String targetName, String salt) {
        if (key == null) {
            throw new IllegalStateException(UNCONFIGURED);
        }
        byte[] tag = macs.get().doFinal(("rtml-node-credential\0" + targetName + "\0" + salt).getBytes(StandardCharsets.UTF_8));
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
    }

    /** What the database keeps of a credential. */
    public static String hash(String credential) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(credential.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
