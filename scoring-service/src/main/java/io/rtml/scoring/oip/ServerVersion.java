package io.rtml.scoring.oip;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The node's version as the build wrote it into {@code build.properties} (Maven resource filtering). */
final class ServerVersion {

    static final String VERSION = load();

    private ServerVersion() {}

    private static String load() {
        try (InputStream in = ServerVersion.class.getResourceAsStream("/io/rtml/scoring/build.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
