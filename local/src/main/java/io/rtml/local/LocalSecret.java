package io.rtml.local;

import io.rtml.registry.access.TokenSecrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A secret of the embedded stack (the admin token, the node-credential key, the nodes' credentials), kept in the data folder
 * (mode 0600) so that it survives restarts and a newcomer can read it back:
 * {@code cat .rtml/admin-token}.
 */
final class LocalSecret {

    private LocalSecret() {}

    static String readOrCreate(Path home, String name) throws IOException {
        String kept = read(home, name);
        if (kept != null) {
            return kept;
        }
        String secret = TokenSecrets.generate();
        write(home, name, secret);
        return secret;
    }

    /** The kept secret, or null when there is none yet. */
    static String read(Path home, String name) throws IOException {
        Path file = home.resolve(name);
        return Files.exists(file) ? Files.readString(file).strip() : null;
    }

    /** Keeps {@code secret} (replacing an older one), readable by this user only. */
    static void write(Path home, String name, String secret) throws IOException {
        Path file = home.resolve(name);
        Files.createDirectories(home);
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(file, secret + "\n");
    }
}
