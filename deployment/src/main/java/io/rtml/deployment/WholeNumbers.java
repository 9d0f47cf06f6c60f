package io.rtml.deployment;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Whole numbers read from JSON are whole: {@code 12.5} where a version, a percent or a count belongs
 * is refused, never truncated to 12, as the registry refuses it in request bodies. For the
 * deployer's own reading (node answers, the deployment plans and rollout state it stored) and the
 * CLI's, where Jackson's defaults (and {@code JsonNode.asInt}) would truncate silently.
 */
public final class WholeNumbers {

    private WholeNumbers() {}

    /** A value that should have been a whole number. */
    public static final class NotAWholeNumberException extends IllegalArgumentException {

        NotAWholeNumberException(String message) {
            super(message);
        }
    }

    /** A mapper builder whose data binding refuses a fraction for an int or long field. */
    public static JsonMapper.Builder strictMapper() {
        return JsonMapper.builder().disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    }

    /** {@code parent.field} as an int; {@code absent} when missing or null; refused when not a whole int. */
    public static int intOf(JsonNode parent, String field, int absent) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw refused(field, value);
        }
        return value.intValue();
    }

    /** {@code parent.field} as a long; {@code absent} when missing or null; refused when not a whole number. */
    public static long longOf(JsonNode parent, String field, long absent) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw refused(field, value);
        }
        return value.longValue();
    }

    private static NotAWholeNumberException refused(String field, JsonNode value) {
        String shown = value.toString();
        return new NotAWholeNumberException("'" + field + "' must be a whole number, got "
                + (shown.length() > 40 ? shown.substring(0, 40) + "…" : shown));
    }
}
