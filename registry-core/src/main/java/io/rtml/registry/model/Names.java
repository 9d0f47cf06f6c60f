package io.rtml.registry.model;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.problem.RtmlException.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The naming rules for models, aliases and tags. Names end up in URLs, object keys and CLI
 * arguments, so they are a small ASCII alphabet: no look-alikes, separators or escapes.
 * The same rules are CHECK constraints in the schema.
 */
public final class Names {

    public static final int MAX_DESCRIPTION = 10_000;
    public static final String MODEL_RULE =
            "1-63 characters: lowercase letters a-z, digits, '-', '_' and '.', starting with a letter or digit";
    public static final String ALIAS_RULE =
            "1-63 characters: lowercase letters a-z, digits, '-' and '_', starting with a letter";
    static final int MAX_TAGS = 50;
    static final String TAG_RULE = "at most " + MAX_TAGS + " tags; keys 1-63 characters of letters, digits, "
            + "'-', '_', '.', '/' and ':' ; values at most 256 characters";

    private static final Pattern MODEL = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final Pattern ALIAS = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
    private static final Pattern TAG_KEY = Pattern.compile("[A-Za-z0-9._/:-]{1,63}");
    private static final int MAX_TAG_VALUE = 256;

    private Names() {}

    public static String checkModelName(String name) {
        if (name == null || !MODEL.matcher(name).matches()) {
            throw new RtmlException(ErrorCode.INVALID_NAME, "model name " + quote(name) + " is not valid: " + MODEL_RULE,
                    List.of(new FieldError("name", MODEL_RULE)), null);
        }
        return name;
    }

    public static String checkAlias(String alias) {
        if (alias == null || !ALIAS.matcher(alias).matches()) {
            throw new RtmlException(ErrorCode.INVALID_NAME, "alias " + quote(alias) + " is not valid: " + ALIAS_RULE,
                    List.of(new FieldError("alias", ALIAS_RULE)), null);
        }
        return alias;
    }

    public static Map<String, String> checkTags(Map<String, String> tags) {
        List<FieldError> errors = new ArrayList<>();
        if (tags.size() > MAX_TAGS) {
            errors.add(new FieldError("tags", "more than " + MAX_TAGS + " tags"));
        }
        tags.forEach((key, value) -> {
            if (key == null || !TAG_KEY.matcher(key).matches()) {
                errors.add(new FieldError("tags", "tag key " + quote(key) + " breaks the rule: " + TAG_RULE));
            } else if (value == null || value.length() > MAX_TAG_VALUE) {
                errors.add(new FieldError("tags/" + key, "tag value must be a string of at most 256 characters"));
            }
        });
        if (!errors.isEmpty()) {
            throw new RtmlException(ErrorCode.VALIDATION_FAILED, "tags are not valid: " + TAG_RULE, errors, null);
        }
        return tags;
    }

    /** Quotes a user-supplied name for a message, cut short and with control characters made visible. */
    public static String quote(String value) {
        if (value == null) {
            return "(missing)";
        }
        String shown = value.length() > 80 ? value.substring(0, 80) + "…" : value;
        StringBuilder out = new StringBuilder("'");
        shown.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp)) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.append("'").toString();
    }
}
