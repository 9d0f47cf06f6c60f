package io.rtml.registry.access;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Name patterns that limit a token to some models, services or targets: a kind and a name
 * ({@code service:fraud}), or a kind and a prefix ending in {@code *} ({@code model:team-a.*}).
 * Only a trailing star is allowed, so a pattern can be read at a glance and never needs escaping.
 *
 * <p>Scopes written before scopes had kinds ({@code team-a.*}) keep their old meaning: they cover
 * models and services of that name, never targets (migration V006 turned the scopes that named a
 * target, the node tokens of that time, into {@code target:} scopes).
 */
public final class Scopes {

    private static final Pattern PATTERN =
            Pattern.compile("((model|service|target):)?([a-z0-9][a-z0-9._-]{0,62}\\*?|\\*)");

    private Scopes() {}

    /** Whether {@code scopes} cover the {@code kind} named {@code name}; no scopes cover everything. */
    public static boolean matches(List<String> scopes, Resource kind, String name) {
        if (scopes.isEmpty()) {
            return true;
        }
        for (String scope : scopes) {
            String pattern = patternFor(scope, kind);
            if (pattern != null && (pattern.endsWith("*")
                    ? name.startsWith(pattern.substring(0, pattern.length() - 1)) : name.equals(pattern))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The scopes that apply to {@code kind} as SQL {@code LIKE} patterns (backslash escapes), joined
     * by commas for {@code name LIKE ANY (string_to_array(:patterns, ','))}, so that a list query
     * returns only what {@link #matches} covers; null when there are no scopes (everything is
     * covered); an empty string (nothing is) when no scope applies to the kind. Names hold no commas.
     */
    public static String likePatterns(List<String> scopes, Resource kind) {
        if (scopes.isEmpty()) {
            return null;
        }
        List<String> patterns = new java.util.ArrayList<>();
        for (String scope : scopes) {
            String pattern = patternFor(scope, kind);
            if (pattern != null) {
                String escaped = pattern.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%");
                patterns.add(escaped.endsWith("*") ? escaped.substring(0, escaped.length() - 1) + "%" : escaped);
            }
        }
        return String.join(",", patterns);
    }

    /** The name pattern of {@code scope} when it applies to {@code kind}, else null. */
    private static String patternFor(String scope, Resource kind) {
        if (scope.startsWith(kind.prefix())) {
            return scope.substring(kind.prefix().length());
        }
        boolean untyped = scope.indexOf(':') < 0;
        return untyped && kind != Resource.TARGET ? scope : null;
    }

    public static List<String> check(List<String> scopes) {
        for (String scope : scopes) {
            if (scope == null || !PATTERN.matcher(scope).matches()) {
                throw new RtmlException(ErrorCode.VALIDATION_FAILED, "scope '" + truncate(scope) + "' is not valid: use"
                        + " a kind and a name, or a kind and a prefix ending in '*', such as 'model:team-a.*',"
                        + " 'service:fraud' or 'target:edge-eu' (a scope without a kind covers models and services)");
            }
        }
        return List.copyOf(scopes);
    }

    private static String truncate(String scope) {
        return scope == null || scope.length() <= 80 ? scope : scope.substring(0, 80) + "…";
    }
}
