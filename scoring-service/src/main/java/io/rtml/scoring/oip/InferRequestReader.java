package io.rtml.scoring.oip;

import io.netty.buffer.ByteBuf;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        return read(p, signature, alloc, bodyBytes, budget, null);
    }

    /**
     * @param binary the binary section after the JSON header (binary tensor extension), from which
     *     each input with a {@code binary_data_size} parameter takes its bytes in input order; null
     *     for a body that is JSON only
     */
    static InferRequest read(JsonParser p, Signature signature, ByteBufAllocator alloc, int bodyBytes,
            TensorBudget budget, ByteBuf binary) {
        String id = null;
        List<InferRequest.Input> inputs = new ArrayList<>();
        List<String> outputs = null;
        Reading reading = new Reading(signature, alloc, bodyBytes / 2 + 1, budget, binary);
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
                        outputs = readOutputs(p, t, reading);
                    }
                    case "parameters" -> {
                        seen = once(seen, PARAMETERS, field, null, 0);
                        reading.binaryOutputs = readParameters(p, "parameters", BINARY_DATA_OUTPUT) == 1;
                    }
                    default -> p.skipChildren(); // extensions this node does not use
                }
            }
            if (binary != null && reading.binaryUsed != binary.readableBytes()) {
                throw ApiException.badRequest("the binary data after the JSON header holds " + binary.readableBytes()
                        + " bytes, but the inputs' binary_data_size parameters add up to " + reading.binaryUsed);
            }
            return new InferRequest(id, inputs, outputs, reading.binaryOutputs, reading.binaryByOutput);
        } catch (RuntimeException e) {
            inputs.forEach(in -> in.tensor().close());
            throw e;
        }
    }

    /** What reading every input needs, and where the inputs have got to in the binary section. */
    private static final class Reading {
        final Signature signature;
        final ByteBufAllocator alloc;
        final int maxValues;
        final TensorBudget budget;
        final ByteBuf binary;
        int binaryUsed;
        boolean binaryOutputs;
        Map<String, Boolean> binaryByOutput;

        Reading(Signature signature, ByteBufAllocator alloc, int maxValues, TensorBudget budget, ByteBuf binary) {
            this.signature = signature;
            this.alloc = alloc;
            this.maxValues = maxValues;
            this.budget = budget;
            this.binary = binary;
        }

        Signature signature() {
            return signature;
        }

        ByteBufAllocator alloc() {
            return alloc;
        }

        int maxValues() {
            return maxValues;
        }

        TensorBudget budget() {
            return budget;
        }
    }

    // The binary tensor extension's parameters (Triton's names).
    private static final String BINARY_DATA_SIZE = "binary_data_size";
    private static final String BINARY_DATA = "binary_data";
    private static final String BINARY_DATA_OUTPUT = "binary_data_output";

    /**
     * Reads a {@code parameters} object for the one parameter of the binary tensor extension that
     * this place may hold, skipping any other: its integer value (a boolean as 1 or 0), or -1 when
     * it is absent. A value of the wrong type is refused rather than ignored: the caller would get
     * a reply it cannot read.
     */
    private static long readParameters(JsonParser p, String where, String wanted) {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return -1; // as absent, as it was when parameters were skipped
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw ApiException.badRequest("'" + where + "' must be an object");
        }
        long value = -1;
        String field;
        while ((field = p.nextName()) != null) {
            JsonToken t = p.nextToken();
            if (!field.equals(wanted)) {
                p.skipChildren();
                continue;
            }
            if (wanted.equals(BINARY_DATA_SIZE)) {
                if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        || p.getLongValue() < 0 || p.getLongValue() > Integer.MAX_VALUE) {
                    throw ApiException.badRequest(where + "." + wanted + " must be a non-negative integer of at most "
                            + Integer.MAX_VALUE + ", not " + (t.isScalarValue() ? p.getText() : DataReader.describe(t)));
                }
                value = p.getLongValue();
            } else {
                if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                    throw ApiException.badRequest(where + "." + wanted + " must be true or false");
                }
                value = t == JsonToken.VALUE_TRUE ? 1 : 0;
            }
        }
        return value;
    }

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
        long binarySize = -1;
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
                        binarySize = readParameters(p, "inputs[" + index + "].parameters", BINARY_DATA_SIZE);
                    }
                    default -> p.skipChildren();
                }
            }
            if (name == null) {
                throw ApiException.badRequest("inputs[" + index + "] has no 'name'");
            }
            if (binarySize >= 0 && (tensor != null || deferred != null)) {
                throw ApiException.badRequest("input '" + name + "' has both 'data' and a binary_data_size parameter");
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
            if (binarySize >= 0) {
                tensor = readBinary(name, index, declared, shape, binarySize, reading);
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

    /** The input's elements from its share of the binary section, the next {@code size} bytes. */
    private static InputTensor readBinary(String name, int index, Datatype type, long[] shape, long size,
            Reading reading) {
        ByteBuf binary = reading.binary;
        if (binary == null) {
            throw ApiException.badRequest("input '" + name + "' has a binary_data_size parameter, but the request has"
                    + " no binary data: send the JSON's length as the Inference-Header-Content-Length header");
        }
        int left = binary.readableBytes() - reading.binaryUsed;
        if (size > left) {
            throw ApiException.badRequest("input '" + name + "': binary_data_size is " + size + " bytes, but only "
                    + left + " bytes of binary data are left");
        }
        InputTensor tensor = new InputTensor(name, type, reading.alloc(), type.size() == 0 ? 16
                : (int) Math.min(size / type.size(), Math.max(product(shape), 0)), reading.budget());
        try {
            tensor.putRaw(binary, binary.readerIndex() + reading.binaryUsed, (int) size);
        } catch (RuntimeException e) {
            tensor.close();
            throw e;
        }
        reading.binaryUsed += (int) size;
        return tensor;
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

    private static List<String> readOutputs(JsonParser p, JsonToken t, Reading reading) {
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
            long binary = -1;
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
                        binary = readParameters(p, "outputs[" + names.size() + "].parameters", BINARY_DATA);
                    }
                    default -> p.skipChildren();
                }
            }
            if (name == null) {
                throw ApiException.badRequest("outputs[" + names.size() + "] has no 'name'");
            }
            if (binary >= 0) {
                if (reading.binaryByOutput == null) {
                    reading.binaryByOutput = new HashMap<>();
                }
                reading.binaryByOutput.put(name, binary == 1);
            }
            names.add(name);
        }
        return names;
    }
}
