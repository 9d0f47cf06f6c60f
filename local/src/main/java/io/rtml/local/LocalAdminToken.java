package io.rtml.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * The embedded stack's admin token, kept in the data folder (mode 0600) so that it survives
 * restarts and a newcomer can read it back: {@code cat .rtml/admin-token}.
 */
final class LocalAdminToken {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private LocalAdminToken() {}

    static String readOrCreate(Path home) throws IOException {
        Path file = home.resolve("admin-token");
        if (Files.exists(file)) {
            return Files.readString(file).strip();
        }
        Files.createDirectories(home);
        SecureRandom random = new SecureRandom();
        StringBuilder token = new StringBuilder("rtml_");
        for (int i = 0; i < 40; i++) {
            token.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, token + "\n");
        return token.toString();
    }
}
