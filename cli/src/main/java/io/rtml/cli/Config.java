package io.rtml.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The saved login: {@code {"url": …, "token": …}} in the user's config dir. The file holds a
 * secret, so it is created 0600 in a 0700 directory and replaced atomically, never rewritten in place.
 */
record Config(String url, String token) {

    static final Config EMPTY = new Config(null, null);

    static Config read(Path file) {
        if (!Files.isRegularFile(file)) {
            return EMPTY;
        }
        try {
            JsonNode node = Json.parse(Files.readString(file), "config file " + file);
            return new Config(Json.text(node, "url"), Json.text(node, "token"));
        } catch (IOException e) {
            throw new CliException(ExitCodes.UNEXPECTED, "cannot read config file " + file + ": " + e.getMessage(), e);
        }
    }

    void write(Path file) {
        ObjectNode node = Json.object().put("url", url).put("token", token);
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        try {
            Files.createDirectories(dir.getParent());
            if (!Files.isDirectory(dir)) {
                if (posix) {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectory(dir);
                }
            }
            if (posix) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
            Path temp = posix
                    ? Files.createTempFile(dir, "config", ".tmp",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(dir, "config", ".tmp");
            try {
                Files.writeString(temp, Json.pretty(node) + System.lineSeparator());
                move(temp, file);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.UNEXPECTED, "cannot write config file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
