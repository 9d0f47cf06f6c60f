package io.rtml.kubernetes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment variables of a settings table in the docs (README.md, docs/deployer.md,
 * docs/scoring-service.md): the column headed env, env var or environment, each name in backticks.
 * {@code `SPRING_DATASOURCE_USERNAME` / `_PASSWORD`} names two; {@code `RTML_S3_*`},
 * {@code `RTML_DEPLOYER_NODE_TOKENS_<REF>`} and {@code `SPRING_DATASOURCE_URL`, …} name families,
 * kept as prefixes.
 */
record SettingsTables(Set<String> names, Set<String> prefixes) {

    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]*");

    static SettingsTables of(Path markdown) {
        List<String> lines = read(markdown);
        Set<String> names = new HashSet<>();
        Set<String> prefixes = new HashSet<>();
        int envColumn = -1;
        for (String line : lines) {
            if (!line.startsWith("|")) {
                envColumn = -1;
                continue;
            }
            List<String> cells = List.of(line.split("\\|", -1));
            if (envColumn < 0) {
                envColumn = header(cells);
                continue;
            }
            if (envColumn < cells.size()) {
                collect(cells.get(envColumn), names, prefixes);
            }
        }
        return new SettingsTables(names, prefixes);
    }

    boolean names(String variable) {
        return names.contains(variable);
    }

    boolean namesFamilyOf(String variable) {
        return prefixes.stream().anyMatch(variable::startsWith);
    }

    private static int header(List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i).trim();
            if (cell.equals("env") || cell.equals("env var") || cell.equals("environment")) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }

    private static void collect(String cell, Set<String> names, Set<String> prefixes) {
        Matcher code = CODE.matcher(cell);
        String previous = null;
        while (code.find()) {
            String text = code.group(1);
            if (text.startsWith("_") && previous != null) {
                names.add(previous.substring(0, previous.lastIndexOf('_')) + text);
            } else if (text.endsWith("_*") || text.endsWith(">")) {
                prefixes.add(text.substring(0, text.lastIndexOf('_') + 1));
            } else if (NAME.matcher(text).matches()) {
                names.add(text);
                previous = text;
            }
        }
        if (previous != null && cell.contains("…")) {
            prefixes.add(previous.substring(0, previous.lastIndexOf('_') + 1));
        }
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
