package io.rtml.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs {@code rtml} in-process, as a user would from a shell, with its own HOME, environment and stdin. */
final class Cli {

    /** What one command did. */
    record Result(int exitCode, String out, String err) {

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Map<String, String> env = new HashMap<>();
    private boolean terminal;

    Cli(Path home) {
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve("xdg").toString());
    }

    /** A CLI that talks to the test registry as the admin, through the environment. */
    static Cli admin(Path home) {
        return new Cli(home).env("RTML_URL", RunningRegistry.url()).env("RTML_TOKEN", RunningRegistry.ADMIN_TOKEN);
    }

    Cli env(String name, String value) {
        env.put(name, value);
        return this;
    }

    Cli terminal() {
        terminal = true;
        return this;
    }

    Result run(String... args) {
        return runWithStdin("", args);
    }

    Result runWithStdin(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliEnvironment environment = new CliEnvironment(env,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), terminal);
        int exitCode = Rtml.execute(environment, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(exitCode, out.toString(), err.toString());
    }
}
