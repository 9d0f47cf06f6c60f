package io.rtml.local;

import io.rtml.registry.access.TokenSecrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A secret of the embedded stack (the admin token, the node token), kept in the data folder
 * (mode 0600) so that it survives restarts and a newcomer can read it back:
 * {@code cat .rtml/admin-token}.
 */
final class LocalSecret {

    private LocalSecret() {}

    static String readOrCreate(Path home, String name) throws IOException {
        Path file = home.resolve(name);
        if (Files.exists(file)) {
            return Files.readString(file).strip();
        }
        Files.createDirectories(home);
        String secret = TokenSecrets.generate();
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, secret + "\n");
        return secret;
    }
}
