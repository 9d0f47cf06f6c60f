package io.rtml.scoring.oip;

import io.rtml.scoring.http.ApiException;
import io.rtml.scoring.runtime.InputTensor;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads an OIP {@code data} value (a flat or nested row-major array, or a single scalar) token by
 * token into an input tensor, with no intermediate objects.
 */
final class DataReader {

    private static final int MAX_DEPTH = 32;

    private DataReader() {}

    /** Reads the value at the parser's current token. */
    static void read(JsonParser p, InputTensor into) {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_ARRAY) {
            readArray(p, into, 0);
        } else {
            readScalar(p, t, into);
        }
    }

    private static void readArray(JsonParser p, InputTensor into, int depth) {
        if (depth > MAX_DEPTH) {
            throw ApiException.badRequest("input '" + into.name() + "': data is nested too deeply");
        }
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.START_ARRAY) {
                readArray(p, into, depth + 1);
            } else {
                readScalar(p, t, into);
            }
        }
    }

    private static void readScalar(JsonParser p, JsonToken t, InputTensor into) {
        switch (t) {
            case VALUE_NUMBER_INT -> {
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    throw ApiException.badRequest("input '" + into.name() + "': " + p.getText()
                            + " is out of range for " + into.type());
                }
                into.putLong(p.getLongValue());
            }
            case VALUE_NUMBER_FLOAT -> into.putDouble(p.getDoubleValue());
            case VALUE_TRUE -> into.putBool(true);
            case VALUE_FALSE -> into.putBool(false);
            case VALUE_STRING -> into.putString(p.getString());
            default -> throw ApiException.badRequest("input '" + into.name() + "': data may hold only "
                    + "numbers, booleans or strings, found " + describe(t));
        }
    }

    static String describe(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "an object";
            case VALUE_NULL -> "null";
            default -> t.name().toLowerCase();
        };
    }
}
