package io.rtml.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * A secret of the embedded stack (the admin token, the node token), kept in the data folder
 * (mode 0600) so that it survives restarts and a newcomer can read it back:
 * {@code cat .rtml/admin-token}.
 */
final class LocalSecret {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private LocalSecret() {}

    static String readOrCreate(Path home, String name) throws IOException {
        Path file = home.resolve(name);
        if (Files.exists(file)) {
            return Files.readString(file).strip();
        }
        Files.createDirectories(home);
        SecureRandom random = new SecureRandom();
        StringBuilder secret = new StringBuilder("rtml_");
        for (int i = 0; i < 40; i++) {
            secret.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, secret + "\n");
        return secret.toString();
    }
}
