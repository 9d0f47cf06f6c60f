package io.rtml.scoring.oip;

import io.netty.buffer.ByteBufAllocator;
import io.rtml.scoring.http.ApiException;
import io.rtml.scoring.http.Json;
import io.rtml.scoring.runtime.Datatype;
import io.rtml.scoring.runtime.InputTensor;
import io.rtml.scoring.runtime.Signature;
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
 * (the slow path), otherwise it goes straight into the tensor.
 */
final class InferRequestReader {

    private static final JsonMapper TREES = JsonMapper.builder()
            .disable(tools.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private InferRequestReader() {}

    static InferRequest read(JsonParser p, Signature signature, ByteBufAllocator alloc) {
        String id = null;
        List<InferRequest.Input> inputs = new ArrayList<>();
        List<String> outputs = null;
        try {
            Json.expectObject(p, "the request body");
            String field;
            while ((field = p.nextName()) != null) {
                JsonToken t = p.nextToken();
                switch (field) {
                    case "id" -> id = Json.string(p, "id");
                    case "inputs" -> readInputs(p, t, signature, alloc, inputs);
                    case "outputs" -> outputs = readOutputs(p, t);
                    default -> p.skipChildren(); // "parameters" and extensions this node does not use
                }
            }
            return new InferRequest(id, inputs, outputs);
        } catch (RuntimeException e) {
            inputs.forEach(in -> in.tensor().close());
            throw e;
        }
    }

    private static void readInputs(JsonParser p, JsonToken t, Signature signature, ByteBufAllocator alloc,
            List<InferRequest.Input> into) {
        if (t != JsonToken.START_ARRAY) {
            throw ApiException.badRequest("'inputs' must be an array");
        }
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                throw ApiException.badRequest("each element of 'inputs' must be an object");
            }
            into.add(readInput(p, signature, alloc, into.size()));
        }
    }

    private static InferRequest.Input readInput(JsonParser p, Signature signature, ByteBufAllocator alloc, int index) {
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
                    case "name" -> name = Json.string(p, "inputs[" + index + "].name");
                    case "datatype" -> datatype = Json.string(p, "inputs[" + index + "].datatype");
                    case "shape" -> shape = readShape(p, index);
                    case "data" -> {
                        Datatype type = typeFor(name, datatype, signature);
                        if (type == null) {
                            deferred = TREES.readTree(p);
                        } else {
                            tensor = newTensor(name, index, type, shape, alloc);
                            DataReader.read(p, tensor);
                        }
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
                tensor = newTensor(name, index, declared, shape, alloc);
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

    private static InputTensor newTensor(String name, int index, Datatype type, long[] shape, ByteBufAllocator alloc) {
        String label = name != null ? name : "inputs[" + index + "]";
        return new InputTensor(label, type, alloc, shape == null ? 16 : (int) Math.min(product(shape), 1 << 20));
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
            String name = null;
            String field;
            while ((field = p.nextName()) != null) {
                p.nextToken();
                if (field.equals("name")) {
                    name = Json.string(p, "outputs[" + names.size() + "].name");
                } else {
                    p.skipChildren();
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
