package io.rtml.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The shell commands of README.md, in order, one entry per command (continuation lines joined). */
final class Readme {

    /** One command and the README section it is in. */
    record Command(String section, String text) {}

    private Readme() {}

    static List<Command> commands(Path readme) {
        try {
            return commands(Files.readAllLines(readme));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Command> commands(List<String> lines) {
        List<Command> commands = new ArrayList<>();
        String section = "";
        boolean inShell = false;
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            if (!inShell && line.startsWith("#")) {
                section = line.replaceFirst("^#+\\s*", "");
            } else if (!inShell && line.equals("```sh")) {
                inShell = true;
            } else if (inShell && line.equals("```")) {
                inShell = false;
            } else if (inShell && (!current.isEmpty() || !(line.isBlank() || line.startsWith("#")))) {
                current.append(current.isEmpty() ? "" : "\n").append(line);
                if (complete(current)) {
                    commands.add(new Command(section, current.toString()));
                    current.setLength(0);
                }
            }
        }
        if (!current.isEmpty()) {
            throw new IllegalStateException("README.md: unfinished command (open quote or trailing \\): " + current);
        }
        return commands;
    }

    /** Ends neither in a line continuation nor inside single quotes (the README quotes JSON bodies so). */
    private static boolean complete(CharSequence command) {
        String text = command.toString();
        long singleQuotes = text.chars().filter(c -> c == '\'').count();
        return !text.endsWith("\\") && singleQuotes % 2 == 0;
    }
}
