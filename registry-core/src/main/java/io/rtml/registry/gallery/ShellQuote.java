package io.rtml.registry.gallery;

/**
 * Quotes a value for a POSIX shell: inside single quotes nothing is special ($, `, ;, spaces), and
 * a single quote itself is written as {@code '\''}. Commands the gallery offers to paste put every
 * value through this, whatever checks the value passed before.
 */
final class ShellQuote {

    private ShellQuote() {}

    static String of(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
