package io.rtml.local;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The embedded stack's own secrets, made at random on the first start with a data folder and kept
 * in it ({@link LocalSecret}), so that no two stacks share them: the admin token, the control plane's
 * node-credential key (each node's credential is derived from it), and the S3 server's access and secret keys (nothing of them is built into the code).
 *
 * @param adminTokenCreated true only on the start that created the admin token: the only one that
 *     prints it (a console that is logged must not get it on every start)
 */
record LocalCredentials(String adminToken, boolean adminTokenCreated, String nodeCredentialKey, String s3AccessKey,
        String s3SecretKey) {

    static LocalCredentials of(Path home) throws IOException {
        boolean created = LocalSecret.read(home, "admin-token") == null;
        return new LocalCredentials(LocalSecret.readOrCreate(home, "admin-token"), created,
                LocalSecret.readOrCreate(home, "node-credential-key"), LocalSecret.readOrCreate(home, "s3-access-key"),
                LocalSecret.readOrCreate(home, "s3-secret-key"));
    }

    /** The welcome's last line: the token itself once, afterwards only where it is kept. */
    String adminTokenLine(Path home) {
        Path file = home.resolve("admin-token");
        return adminTokenCreated ? "  admin token    " + adminToken + "  (shown once; kept in " + file + ")"
                : "  admin token    in " + file + "  (export RTML_TOKEN=$(cat " + file + "))";
    }

    @Override
    public String toString() {
        return "LocalCredentials[secrets not shown]";
    }
}
