package io.rtml.registry.version;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.onnx.ModelSignature;
import io.rtml.onnx.ValueSpec;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks an example request against a version's signature before it is stored: an OIP body
 * {@code {"inputs": [{name, datatype, shape, data}]}} with every graph input once, its datatype,
 * a shape that fits the declared one, as many values as the shape holds, and values of the right
 * kind. Scoring nodes feed it to their warm-up, so a wrong one would only move the failure there.
 */
final class ExampleCheck {

    /** Metadata key under which a model file may carry its example (metadata values are kept to 64 KiB). */
    static final String METADATA_KEY = "rtml.example";
    static final int MAX_BYTES = 64 * 1024;
    /** The most values one input may hold; an example is at most 64 KiB, so more could never be given. */
    static final long MAX_VALUES = 65_536;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> INTEGERS = Set.of("INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16",
            "UINT32", "UINT64");

    private ExampleCheck() {}

    /** The example the model file carries in its metadata, checked; null when it has none. */
    static String fromMetadata(ModelSignature signature) {
        String text = signature.metadata().get(METADATA_KEY);
        return text == null ? null : check(text, signature, "metadata '" + METADATA_KEY + "': ");
    }

    /** @return the example as stored: only its inputs, each with name, datatype, shape and flat data */
    static String check(String text, ModelSignature signature, String where) {
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new RtmlException(ErrorCode.PAYLOAD_TOO_LARGE, where + "an example request may be at most "
                    + MAX_BYTES + " bytes");
        }
        JsonNode json;
        try {
            json = JSON.readTree(text);
        } catch (JacksonException e) {
            throw invalid(where + "not JSON: " + e.getOriginalMessage());
        }
        if (holdsNul(json)) {
            // PostgreSQL's jsonb refuses U+0000 (SQLState 22P05), so it would fail the insert as a 500
            throw invalid(where + "an example request must not contain NUL characters (U+0000)");
        }
        if (!json.isObject() || !json.path("inputs").isArray() || json.path("inputs").isEmpty()) {
            throw invalid(where + "an example request is an object with a non-empty 'inputs' array");
        }
        Map<String, JsonNode> given = new HashMap<>();
        for (JsonNode in : json.get("inputs")) {
            if (!in.isObject() || !in.path("name").isString()) {
                throw invalid(where + "each of 'inputs' is an object with a 'name'");
            }
            if (given.put(in.get("name").asString(), in) != null) {
                throw invalid(where + "input '" + in.get("name").asString() + "' is given twice");
            }
        }
        ObjectNode stored = JsonNodeFactory.instance.objectNode();
        ArrayNode inputs = stored.putArray("inputs");
        for (ValueSpec spec : signature.inputs()) {
            JsonNode in = given.remove(spec.name());
            if (in == null) {
                throw invalid(where + "input '" + spec.name() + "' is missing");
            }
            inputs.add(input(spec, in, where + "input '" + spec.name() + "': "));
        }
        if (!given.isEmpty()) {
            throw invalid(where + "the model has no input " + given.keySet());
        }
        return stored.toString();
    }

    private static ObjectNode input(ValueSpec spec, JsonNode in, String where) {
        if (spec.datatype() == null) {
            throw invalid(where + "the model takes " + spec.onnxType() + ", which no request can feed");
        }
        if (!spec.datatype().equals(in.path("datatype").asString(null))) {
            throw invalid(where + "datatype must be " + spec.datatype());
        }
        JsonNode shape = in.path("shape");
        if (!shape.isArray() || (spec.shape() != null && shape.size() != spec.shape().size())) {
            throw invalid(where + "shape must be an array of " + (spec.shape() == null ? "" : spec.shape().size() + " ")
                    + "dimensions, the model declares " + spec.shape());
        }
        long count = 1;
        for (int i = 0; i < shape.size(); i++) {
            JsonNode dim = shape.get(i);
            Object declared = spec.shape() == null ? null : spec.shape().get(i);
            if (!dim.isIntegralNumber() || !dim.canConvertToLong() || dim.asLong() < 0
                    || (declared instanceof Long fixed && fixed != dim.asLong())) {
                throw invalid(where + "shape " + shape + " does not fit the declared " + spec.shape());
            }
            if (dim.asLong() > MAX_VALUES) {
                throw invalid(where + "shape " + shape + " holds more than " + MAX_VALUES + " values");
            }
            count *= dim.asLong(); // both at most MAX_VALUES, so no overflow
            if (count > MAX_VALUES) {
                throw invalid(where + "shape " + shape + " holds more than " + MAX_VALUES + " values");
            }
        }
        ArrayNode data = JsonNodeFactory.instance.arrayNode();
        flatten(in.path("data"), data);
        if (in.path("data").isMissingNode() || data.size() != count) {
            throw invalid(where + "shape " + shape + " holds " + count + " values, 'data' has " + data.size());
        }
        for (JsonNode v : data) {
            boolean fits = switch (spec.datatype()) {
                case "BYTES" -> v.isString();
                case "BOOL" -> v.isBoolean();
                default -> INTEGERS.contains(spec.datatype()) ? v.isIntegralNumber() : v.isNumber();
            };
            if (!fits) {
                throw invalid(where + v + " is not a " + spec.datatype() + " value");
            }
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("name", spec.name());
        out.put("datatype", spec.datatype());
        out.set("shape", shape);
        out.set("data", data);
        return out;
    }

    private static boolean holdsNul(JsonNode node) {
        if (node.isString()) {
            return node.asString().indexOf('\0') >= 0;
        }
        if (node.isObject()) {
            for (String name : node.propertyNames()) {
                if (name.indexOf('\0') >= 0 || holdsNul(node.get(name))) {
                    return true;
                }
            }
            return false;
        }
        if (node.isArray()) {
            for (JsonNode child : node) {
                if (holdsNul(child)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void flatten(JsonNode node, ArrayNode into) {
        if (node.isArray()) {
            node.forEach(child -> flatten(child, into));
        } else if (!node.isMissingNode()) {
            into.add(node);
        }
    }

    private static RtmlException invalid(String detail) {
        return new RtmlException(ErrorCode.INVALID_EXAMPLE, detail, List.of(), null);
    }
}
