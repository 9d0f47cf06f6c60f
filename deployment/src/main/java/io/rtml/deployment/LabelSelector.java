package io.rtml.deployment;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A Kubernetes-style label selector over targets: requirements joined by commas, all of which must
 * hold: {@code key=value} (or {@code ==}), {@code key!=value}, {@code key in (a,b)}, {@code key notin (a,b)},
 * {@code key} (the label exists) and {@code !key} (it does not). A target's selectable attributes are
 * its labels plus {@code name}, {@code kind} ({@code hub} or {@code edge}) and {@code region}, which
 * win over labels of the same name. As in Kubernetes, {@code !=} and {@code notin} also match a
 * target without the label. An empty selector matches every target.
 *
 * <p>Shared by the registry (which checks and resolves a request's selector) and the deployer
 * (which brings targets that start matching a service's selector to its version).
 */
public final class LabelSelector {

    /** One condition on one key. */
    public record Requirement(String key, Operator operator, Set<String> values) {

        boolean matches(Map<String, String> attributes) {
            String value = attributes.get(key);
            return switch (operator) {
                case EQUALS, IN -> value != null && values.contains(value);
                case NOT_EQUALS, NOT_IN -> value == null || !values.contains(value);
                case EXISTS -> value != null;
                case NOT_EXISTS -> value == null;
            };
        }
    }

    public enum Operator { EQUALS, NOT_EQUALS, IN, NOT_IN, EXISTS, NOT_EXISTS }

    /** Bad selector text: {@code position} is the 1-based character where the problem was found. */
    public static final class SelectorException extends IllegalArgumentException {

        private final int position;
        private final String reason;

        SelectorException(String selector, int position, String reason) {
            super("selector '" + selector + "' is not valid at position " + position + ": " + reason);
            this.position = position;
            this.reason = reason;
        }

        public int position() {
            return position;
        }

        public String reason() {
            return reason;
        }
    }

    private static final int MAX_LENGTH = 4096;

    private final String text;
    private final List<Requirement> requirements;

    private LabelSelector(String text, List<Requirement> requirements) {
        this.text = text;
        this.requirements = List.copyOf(requirements);
    }

    /** Parses {@code text}; throws {@link SelectorException} saying where and why it is not valid. */
    public static LabelSelector parse(String text) {
        if (text == null) {
            throw new SelectorException("", 1, "a selector is required");
        }
        if (text.length() > MAX_LENGTH) {
            throw new SelectorException(text.substring(0, 40) + "…", MAX_LENGTH + 1,
                    "longer than " + MAX_LENGTH + " characters");
        }
        return new Parser(text).selector();
    }

    /** Whether a target with these attributes (see {@link #attributes}) is selected. */
    public boolean matches(Map<String, String> attributes) {
        return requirements.stream().allMatch(r -> r.matches(attributes));
    }

    /** What a selector sees of a target: its labels, overridden by {@code name}, {@code kind} (lower case) and {@code region}. */
    public static Map<String, String> attributes(String name, String kind, String region, Map<String, String> labels) {
        Map<String, String> all = new java.util.HashMap<>(labels == null ? Map.of() : labels);
        all.put("name", name);
        all.put("kind", kind.toLowerCase(Locale.ROOT));
        if (region != null) {
            all.put("region", region);
        }
        return all;
    }

    public List<Requirement> requirements() {
        return requirements;
    }

    @Override
    public String toString() {
        return text;
    }

    /** Recursive descent over the text with the position of every token, for precise errors. */
    private static final class Parser {

        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        LabelSelector selector() {
            List<Requirement> out = new ArrayList<>();
            skipSpaces();
            if (i == s.length()) {
                return new LabelSelector(s, out);
            }
            while (true) {
                out.add(requirement());
                skipSpaces();
                if (i == s.length()) {
                    return new LabelSelector(s, out);
                }
                if (s.charAt(i) != ',') {
                    throw fail("expected ',' or the end after a requirement, found '" + s.charAt(i) + "'");
                }
                i++;
                skipSpaces();
                if (i == s.length()) {
                    throw fail("expected a requirement after ','");
                }
            }
        }

        private Requirement requirement() {
            if (s.charAt(i) == '!') {
                i++;
                skipSpaces();
                return new Requirement(key(), Operator.NOT_EXISTS, Set.of());
            }
            String key = key();
            skipSpaces();
            if (i == s.length() || s.charAt(i) == ',') {
                return new Requirement(key, Operator.EXISTS, Set.of());
            }
            if (s.startsWith("==", i)) {
                i += 2;
                return single(key, Operator.EQUALS);
            }
            if (s.startsWith("!=", i)) {
                i += 2;
                return single(key, Operator.NOT_EQUALS);
            }
            if (s.charAt(i) == '=') {
                i++;
                return single(key, Operator.EQUALS);
            }
            int wordAt = i;
            String word = word();
            if (word.equals("in") || word.equals("notin")) {
                return new Requirement(key, word.equals("in") ? Operator.IN : Operator.NOT_IN, set(key));
            }
            i = wordAt;
            throw fail("expected '=', '==', '!=', 'in' or 'notin' after key '" + key + "'"
                    + (word.isEmpty() ? ", found '" + s.charAt(i) + "'" : ", found '" + word + "'"));
        }

        private Requirement single(String key, Operator operator) {
            skipSpaces();
            return new Requirement(key, operator, Set.of(value(key)));
        }

        private Set<String> set(String key) {
            skipSpaces();
            if (i == s.length() || s.charAt(i) != '(') {
                throw fail("expected '(' to open the list of values");
            }
            i++;
            Set<String> values = new LinkedHashSet<>();
            while (true) {
                skipSpaces();
                values.add(value(key));
                skipSpaces();
                if (i == s.length()) {
                    throw fail("expected ',' or ')' in the list of values; the list is not closed");
                }
                char c = s.charAt(i++);
                if (c == ')') {
                    return values;
                }
                if (c != ',') {
                    i--;
                    throw fail("expected ',' or ')' in the list of values, found '" + c + "'");
                }
            }
        }

        private String key() {
            if (i == s.length()) {
                throw fail("expected a label key");
            }
            int start = i;
            while (i < s.length() && isKeyChar(s.charAt(i))) {
                i++;
            }
            if (start == i) {
                throw fail("expected a label key (letters, digits, '-', '_', '.', '/'), found '" + s.charAt(i) + "'");
            }
            String key = s.substring(start, i);
            if (!Character.isLetterOrDigit(key.charAt(0)) || !Character.isLetterOrDigit(key.charAt(key.length() - 1))) {
                i = start;
                throw fail("label key '" + key + "' must start and end with a letter or digit");
            }
            if (key.length() > 253) {
                i = start;
                throw fail("label key is longer than 253 characters");
            }
            return key;
        }

        private String value(String key) {
            int start = i;
            while (i < s.length() && isValueChar(s.charAt(i))) {
                i++;
            }
            if (start == i) {
                throw fail(i == s.length() ? "expected a value, found the end"
                        : "expected a value (letters, digits, '-', '_', '.'), found '" + s.charAt(i) + "'");
            }
            if (i - start > 63) {
                i = start;
                throw fail("value is longer than 63 characters");
            }
            String value = s.substring(start, i);
            return key.equals("kind") ? value.toLowerCase(Locale.ROOT) : value;
        }

        private String word() {
            int start = i;
            while (i < s.length() && Character.isLetter(s.charAt(i))) {
                i++;
            }
            return s.substring(start, i);
        }

        private void skipSpaces() {
            while (i < s.length() && s.charAt(i) == ' ') {
                i++;
            }
        }

        private static boolean isKeyChar(char c) {
            return isValueChar(c) || c == '/';
        }

        private static boolean isValueChar(char c) {
            return c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.');
        }

        private SelectorException fail(String reason) {
            return new SelectorException(s, i + 1, reason);
        }
    }
}
