package io.rtml.scoring.oip;

import io.netty.buffer.ByteBufAllocator;
import io.rtml.scoring.http.ApiException;
import io.rtml.scoring.http.Json;
import io.rtml.scoring.runtime.Datatype;
import io.rtml.scoring.runtime.InputTensor;
import io.rtml.scoring.runtime.Signature;
import io.rtml.scoring.runtime.TensorBudget;
import io.rtml.scoring.runtime.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Streams an OIP inference request body into input tensors. Fields may come in any order; when
 * {@code data} precedes both {@code name} and {@code datatype} it is buffered as a tree first
 * (the slow path), otherwise it goes straight into the tensor. A repeated key is refused (the
 * later value would silently win, or allocate a second tensor); a tensor's first buffer is sized
 * by its declared shape only up to what the body can hold, and every buffer is charged to the
 * request's {@link TensorBudget}.
 */
final class InferRequestReader {

    private static final JsonMapper TREES = JsonMapper.builder()
            .disable(tools.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    // The keys of one object, as bits, to refuse a repeated one without a per-object set.
    private static final int ID = 1, INPUTS = 2, OUTPUTS = 4, PARAMETERS = 8, NAME = 16, DATATYPE = 32,
            SHAPE = 64, DATA = 128;

    private InferRequestReader() {}

    /**
     * @param bodyBytes the body's length: no input holds more values than half of it (a value and
     *     its comma take two bytes at least), so no first buffer needs to be larger
     */
    static InferRequest read(JsonParser p, Signature signature, ByteBufAllocator alloc, int bodyBytes,
            TensorBudget budget) {
        String id = null;
        List<InferRequest.Input> inputs = new ArrayList<>();
        List<String> outputs = null;
        Reading reading = new Reading(signature, alloc, bodyBytes / 2 + 1, budget);
        try {
            Json.expectObject(p, "the request body");
            int seen = 0;
            String field;
            while ((field = p.nextName()) != null) {
                JsonToken t = p.nextToken();
                switch (field) {
                    case "id" -> {
                        seen = once(seen, ID, field, null, 0);
                        id = Json.string(p, "id");
                    }
                    case "inputs" -> {
                        seen = once(seen, INPUTS, field, null, 0);
                        readInputs(p, t, reading, inputs);
                    }
                    case "outputs" -> {
                        seen = once(seen, OUTPUTS, field, null, 0);
                        outputs = readOutputs(p, t);
                    }
                    case "parameters" -> {
                        seen = once(seen, PARAMETERS, field, null, 0);
                        p.skipChildren();
                    }
                    default -> p.skipChildren(); // extensions this node does not use
                }
            }
            return new InferRequest(id, inputs, outputs);
        } catch (RuntimeException e) {
            inputs.forEach(in -> in.tensor().close());
            throw e;
        }
    }

    /** What reading every input needs, in one object rather than five parameters. */
    private record Reading(Signature signature, ByteBufAllocator alloc, int maxValues, TensorBudget budget) {}

    /**
     * Refuses a key that {@code seen} already holds; returns {@code seen} with it.
     *
     * @param list {@code inputs} or {@code outputs} with the element's index; null for the request itself
     */
    private static int once(int seen, int key, String field, String list, int index) {
        if ((seen & key) != 0) {
            String where = list == null ? "the request" : list + "[" + index + "]";
            throw ApiException.badRequest(where + " has the key '" + field + "' twice");
        }
        return seen | key;
    }

    private static void readInputs(JsonParser p, JsonToken t, Reading reading, List<InferRequest.Input> into) {
        if (t != JsonToken.START_ARRAY) {
            throw ApiException.badRequest("'inputs' must be an array");
        }
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                throw ApiException.badRequest("each element of 'inputs' must be an object");
            }
            into.add(readInput(p, reading, into.size()));
        }
    }

    private static InferRequest.Input readInput(JsonParser p, Reading reading, int index) {
        int seen = 0;
        String name = null;
        String datatype = null;
        long[] shape = null;
        InputTensor tensor = null;
        JsonNode deferred = null;
        try {
            String field;
            while ((field = p.nextName()) != null) {
                p.nextToken();
                switch (field) {
                    case "name" -> {
                        seen = once(seen, NAME, field, "inputs", index);
                        name = Json.string(p, "inputs[" + index + "].name");
                    }
                    case "datatype" -> {
                        seen = once(seen, DATATYPE, field, "inputs", index);
                        datatype = Json.string(p, "inputs[" + index + "].datatype");
                    }
                    case "shape" -> {
                        seen = once(seen, SHAPE, field, "inputs", index);
                        shape = readShape(p, index);
                    }
                    case "data" -> {
                        seen = once(seen, DATA, field, "inputs", index);
                        Datatype type = typeFor(name, datatype, reading.signature());
                        if (type == null) {
                            deferred = TREES.readTree(p);
                        } else {
                            tensor = newTensor(name, index, type, shape, reading);
                            DataReader.read(p, tensor);
                        }
                    }
                    case "parameters" -> {
                        seen = once(seen, PARAMETERS, field, "inputs", index);
                        p.skipChildren();
                    }
                    default -> p.skipChildren();
                }
            }
            if (name == null) {
                throw ApiException.badRequest("inputs[" + index + "] has no 'name'");
            }
            if (datatype == null) {
                throw ApiException.badRequest("input '" + name + "' has no 'datatype'");
            }
            Datatype declared = Datatype.parse(datatype);
            if (declared == null) {
                throw ApiException.badRequest("input '" + name + "': unknown datatype '" + datatype + "'");
            }
            if (shape == null) {
                throw ApiException.badRequest("input '" + name + "' has no 'shape'");
            }
            if (tensor == null && deferred == null) {
                throw ApiException.badRequest("input '" + name + "' has no 'data'");
            }
            if (tensor == null) {
                tensor = newTensor(name, index, declared, shape, reading);
                try (JsonParser replay = deferred.traverse(ObjectReadContext.empty())) {
                    replay.nextToken();
                    DataReader.read(replay, tensor);
                }
            }
            return new InferRequest.Input(name, declared, shape, tensor);
        } catch (RuntimeException e) {
            if (tensor != null) {
                tensor.close();
            }
            throw e;
        }
    }

    /** The datatype to decode data with: the declared one, else the model's for a known name. */
    private static Datatype typeFor(String name, String datatype, Signature signature) {
        if (datatype != null) {
            Datatype d = Datatype.parse(datatype);
            if (d == null) {
                throw ApiException.badRequest("input '" + name + "': unknown datatype '" + datatype + "'");
            }
            return d;
        }
        TensorSpec spec = name == null ? null : signature.input(name);
        return spec == null ? null : spec.datatype();
    }

    /** Room for the declared number of values, but never more than the body can hold. */
    private static InputTensor newTensor(String name, int index, Datatype type, long[] shape, Reading reading) {
        String label = name != null ? name : "inputs[" + index + "]";
        int expected = shape == null ? 16 : (int) Math.min(product(shape), reading.maxValues());
        return new InputTensor(label, type, reading.alloc(), expected, reading.budget());
    }

    private static long[] readShape(JsonParser p, int index) {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw ApiException.badRequest("inputs[" + index + "].shape must be an array of integers");
        }
        long[] dims = new long[4];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    || p.getLongValue() < 0) {
                throw ApiException.badRequest("inputs[" + index + "].shape must hold non-negative integers");
            }
            if (n == dims.length) {
                dims = Arrays.copyOf(dims, n * 2);
            }
            dims[n++] = p.getLongValue();
        }
        return Arrays.copyOf(dims, n);
    }

    static long product(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = d == 0 ? 0 : (n > Integer.MAX_VALUE / Math.max(d, 1) ? Integer.MAX_VALUE : n * d);
        }
        return n;
    }

    private static List<String> readOutputs(JsonParser p, JsonToken t) {
        if (t != JsonToken.START_ARRAY) {
            throw ApiException.badRequest("'outputs' must be an array");
        }
        List<String> names = new ArrayList<>();
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                throw ApiException.badRequest("each element of 'outputs' must be an object");
            }
            int seen = 0;
            String name = null;
            String field;
            while ((field = p.nextName()) != null) {
                p.nextToken();
                switch (field) {
                    case "name" -> {
                        seen = once(seen, NAME, field, "outputs", names.size());
                        name = Json.string(p, "outputs[" + names.size() + "].name");
                    }
                    case "parameters" -> {
                        seen = once(seen, PARAMETERS, field, "outputs", names.size());
                        p.skipChildren();
                    }
                    default -> p.skipChildren();
                }
            }
            if (name == null) {
                throw ApiException.badRequest("outputs[" + names.size() + "] has no 'name'");
            }
            names.add(name);
        }
        return names;
    }
}
