package io.rtml.registry.access;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Name patterns that limit a token to some models or services: a name ({@code fraud}), or a
 * prefix ending in {@code *} ({@code team-a.*}). Only a trailing star is allowed, so a pattern
 * can be read at a glance and never needs escaping.
 */
public final class Scopes {

    private static final Pattern PATTERN = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}\\*?|\\*");

    private Scopes() {}

    public static boolean matches(List<String> scopes, String name) {
        if (scopes.isEmpty()) {
            return true;
        }
        for (String scope : scopes) {
            if (scope.endsWith("*") ? name.startsWith(scope.substring(0, scope.length() - 1)) : name.equals(scope)) {
                return true;
            }
        }
        return false;
    }

    public static List<String> check(List<String> scopes) {
        for (String scope : scopes) {
            if (scope == null || !PATTERN.matcher(scope).matches()) {
                throw new RtmlException(ErrorCode.VALIDATION_FAILED, "scope '" + scope + "' is not valid: use a model"
                        + " or service name, or a prefix ending in '*' such as 'team-a.*'");
            }
        }
        return List.copyOf(scopes);
    }
}
