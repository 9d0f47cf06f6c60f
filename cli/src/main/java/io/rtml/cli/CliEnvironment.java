package io.rtml.cli;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the CLI reads from its process: environment variables, standard input and whether a person
 * watches a terminal. A value, so that tests run the CLI in-process with their own HOME and stdin.
 */
public record CliEnvironment(Map<String, String> variables, InputStream stdin, boolean terminal) {

    public CliEnvironment {
        variables = Map.copyOf(variables);
    }

    /** The real process environment. */
    public static CliEnvironment system() {
        return new CliEnvironment(System.getenv(), System.in, System.console() != null);
    }

    String get(String name) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? null : value;
    }

    /** {@code $XDG_CONFIG_HOME/rtml/config.json}, else {@code ~/.config/rtml/config.json}. */
    Path configFile() {
        String xdg = get("XDG_CONFIG_HOME");
        String home = get("HOME");
        Path base = xdg != null ? Path.of(xdg)
                : Path.of(home != null ? home : System.getProperty("user.home"), ".config");
        return base.resolve("rtml").resolve("config.json");
    }
}
