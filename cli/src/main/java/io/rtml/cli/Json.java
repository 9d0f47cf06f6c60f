package io.rtml.cli;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The one JSON mapper of the CLI, and null-safe readers for the registry's answers. */
final class Json {

    /** Data binding refuses a fraction for an int or long field, as the registry does. */
    static final JsonMapper MAPPER = JsonMapper.builder().disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT).build();

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static JsonNode parse(String text, String what) {
        try {
            return MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw new CliException(ExitCodes.UNEXPECTED, what + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    static String pretty(JsonNode node) {
        return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    }

    static String compact(JsonNode node) {
        return MAPPER.writeValueAsString(node);
    }

    /**
     * A whole number from an answer: {@code absent} when missing or null; anything else but a whole
     * number (a fraction such as {@code 12.5}, which {@code asLong} would truncate) ends the command
     * with one line.
     */
    static long wholeNumber(JsonNode node, String field, long absent) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || value.isNull() || value.isMissingNode()) {
            return absent;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            String shown = value.toString();
            throw new CliException(ExitCodes.UNEXPECTED, "the registry's answer has " + (shown.length() > 40
                    ? shown.substring(0, 40) + "…" : shown) + " for '" + field + "', which must be a whole number");
        }
        return value.longValue();
    }

    /** A field as display text: null when absent or null, the value of a scalar, compact JSON otherwise. */
    static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        return value.isValueNode() ? value.asString() : compact(value);
    }
}
