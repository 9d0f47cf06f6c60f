package io.rtml.scoring.runtime;

import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * An example request registered with a version (OIP {@code {"inputs": [{name, datatype, shape,
 * data}]}}): inputs its model is known to accept. Warm-up and the batching probe run it instead of
 * zeros, for models whose graph refuses zeros or length-1 dimensions (a reflect {@code Pad} that
 * needs two elements, a sample rate that must be 8000 or 16000).
 */
public final class ExampleRequest {

    private final JsonNode json;

    private ExampleRequest(JsonNode json) {
        this.json = json;
    }

    /**
     * @return null for a null or JSON-null example
     * @throws IllegalArgumentException when it is not an object with an {@code inputs} array of
     *     objects, each with a {@code name}, a {@code shape} array and {@code data}
     */
    public static ExampleRequest of(JsonNode json) {
        if (json == null || json.isNull() || json.isMissingNode()) {
            return null;
        }
        if (!json.isObject() || !json.path("inputs").isArray() || json.path("inputs").isEmpty()) {
            throw new IllegalArgumentException("the example must be an object with a non-empty 'inputs' array");
        }
        for (JsonNode in : json.get("inputs")) {
            if (!in.isObject() || !in.path("name").isString() || !in.path("shape").isArray() || !in.has("data")) {
                throw new IllegalArgumentException("each example input needs 'name', 'shape' (array) and 'data'");
            }
        }
        return new ExampleRequest(json);
    }

    public JsonNode json() {
        return json;
    }

    /** The example as tensors for {@code signature}; the caller closes them. */
    List<Inference.Feed> feeds(Signature signature) {
        Map<String, JsonNode> byName = new java.util.HashMap<>();
        for (JsonNode in : json.get("inputs")) {
            if (signature.input(in.get("name").asString()) == null) {
                throw new IllegalArgumentException("the example has input '" + in.get("name").asString()
                        + "', which the model does not have");
            }
            byName.put(in.get("name").asString(), in);
        }
        List<Inference.Feed> feeds = new ArrayList<>();
        try {
            for (TensorSpec spec : signature.inputs()) {
                JsonNode in = byName.get(spec.name());
                if (in == null) {
                    throw new IllegalArgumentException("the example lacks input '" + spec.name() + "'");
                }
                feeds.add(feed(spec, in));
            }
            return feeds;
        } catch (RuntimeException e) {
            feeds.forEach(f -> f.tensor().close());
            throw e;
        }
    }

    private static Inference.Feed feed(TensorSpec spec, JsonNode in) {
        long[] shape = new long[in.get("shape").size()];
        int count = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = in.get("shape").get(i).asLong();
            if (shape[i] < 0 || (spec.rank() == shape.length && spec.dim(i) >= 0 && spec.dim(i) != shape[i])) {
                throw new IllegalArgumentException("example input '" + spec.name() + "' has shape "
                        + in.get("shape") + ", the model wants " + java.util.Arrays.toString(spec.shape()));
            }
            count = Math.multiplyExact(count, (int) shape[i]);
        }
        if (shape.length != spec.rank()) {
            throw new IllegalArgumentException("example input '" + spec.name() + "' has rank " + shape.length
                    + ", the model wants " + spec.rank());
        }
        List<JsonNode> values = new ArrayList<>();
        flatten(in.get("data"), values);
        if (values.size() != count) {
            throw new IllegalArgumentException("example input '" + spec.name() + "' has " + values.size()
                    + " values for shape " + in.get("shape"));
        }
        InputTensor tensor = new InputTensor(spec.name(), spec.datatype(), UnpooledByteBufAllocator.DEFAULT, count);
        try {
            for (JsonNode v : values) {
                if (v.isString()) {
                    tensor.putString(v.asString());
                } else if (v.isBoolean()) {
                    tensor.putBool(v.asBoolean());
                } else if (v.isIntegralNumber()) {
                    tensor.putLong(v.asLong());
                } else if (v.isNumber()) {
                    tensor.putDouble(v.asDouble());
                } else {
                    throw new IllegalArgumentException("example input '" + spec.name() + "' holds " + v);
                }
            }
        } catch (RuntimeException e) {
            tensor.close();
            throw e instanceof IllegalArgumentException ? e : new IllegalArgumentException(e.getMessage(), e);
        }
        return new Inference.Feed(tensor, shape);
    }

    private static void flatten(JsonNode node, List<JsonNode> into) {
        if (node.isArray()) {
            node.forEach(child -> flatten(child, into));
        } else {
            into.add(node);
        }
    }

    /**
     * The example cut after its first row: two requests whose merged run must equal their separate
     * runs. Null when it has fewer than two rows or an input without a row dimension.
     */
    List<ExampleRequest> splitFirstRow() {
        long rows = -1;
        for (JsonNode in : json.get("inputs")) {
            if (in.get("shape").isEmpty() || (rows >= 0 && in.get("shape").get(0).asLong() != rows)) {
                return null;
            }
            rows = in.get("shape").get(0).asLong();
        }
        if (rows < 2) {
            return null;
        }
        return List.of(rows(0, 1, rows), rows(1, rows, rows));
    }

    private ExampleRequest rows(long from, long to, long rows) {
        ObjectNode request = JsonNodeFactory.instance.objectNode();
        ArrayNode inputs = request.putArray("inputs");
        for (JsonNode in : json.get("inputs")) {
            List<JsonNode> values = new ArrayList<>();
            flatten(in.get("data"), values);
            int perRow = (int) (values.size() / rows);
            ObjectNode part = inputs.addObject();
            part.put("name", in.get("name").asString());
            ArrayNode shape = part.putArray("shape");
            shape.add(to - from);
            Iterator<JsonNode> dims = in.get("shape").iterator();
            dims.next();
            dims.forEachRemaining(shape::add);
            ArrayNode data = part.putArray("data");
            values.subList((int) from * perRow, (int) to * perRow).forEach(data::add);
        }
        return new ExampleRequest(request);
    }
}
