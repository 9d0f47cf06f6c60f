package io.rtml.scoring;

import com.google.protobuf.ByteString;
import io.rtml.scoring.oip.grpc.InferTensorContents;
import io.rtml.scoring.oip.grpc.ModelInferRequest;
import io.rtml.scoring.oip.grpc.ModelInferResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Test-side encoding of OIP tensors the way an independent client would: reference JSON inputs as
 * gRPC messages (raw or typed contents) and as the binary tensor extension's bytes, and served
 * outputs back into the JSON form {@link ReferenceAssertions} compares. Written from the protocol,
 * not from the node's code.
 */
final class OipMessages {

    private OipMessages() {}

    /** Little-endian bytes of a JSON {@code data} array of the given datatype (BYTES: 4-byte length + UTF-8). */
    static byte[] raw(JsonNode data, String datatype) {
        List<JsonNode> values = new ArrayList<>();
        flatten(data, values);
        if (datatype.equals("BYTES")) {
            List<byte[]> parts = values.stream().map(v -> v.asString().getBytes(StandardCharsets.UTF_8)).toList();
            ByteBuffer b = ByteBuffer.allocate(parts.stream().mapToInt(p -> 4 + p.length).sum())
                    .order(ByteOrder.LITTLE_ENDIAN);
            parts.forEach(p -> b.putInt(p.length).put(p));
            return b.array();
        }
        int size = switch (datatype) {
            case "BOOL", "INT8", "UINT8" -> 1;
            case "INT16", "UINT16", "FP16" -> 2;
            case "INT32", "UINT32", "FP32" -> 4;
            default -> 8;
        };
        ByteBuffer b = ByteBuffer.allocate(values.size() * size).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode v : values) {
            switch (datatype) {
                case "BOOL" -> b.put((byte) (v.asBoolean() ? 1 : 0));
                case "INT8", "UINT8" -> b.put((byte) v.asLong());
                case "INT16", "UINT16" -> b.putShort((short) v.asLong());
                case "INT32", "UINT32" -> b.putInt((int) v.asLong());
                case "INT64", "UINT64" -> b.putLong(v.asLong());
                case "FP32" -> b.putFloat((float) v.asDouble());
                case "FP64" -> b.putDouble(v.asDouble());
                default -> throw new IllegalArgumentException(datatype);
            }
        }
        return b.array();
    }

    static void flatten(JsonNode data, List<JsonNode> into) {
        if (data.isArray()) {
            data.forEach(d -> flatten(d, into));
        } else {
            into.add(data);
        }
    }

    /** A ModelInferRequest for reference inputs, with raw or typed contents. */
    static ModelInferRequest request(String model, String id, JsonNode inputs, boolean raw) {
        ModelInferRequest.Builder b = ModelInferRequest.newBuilder().setModelName(model).setId(id);
        for (JsonNode in : inputs) {
            String datatype = in.path("datatype").asString();
            ModelInferRequest.InferInputTensor.Builder t = ModelInferRequest.InferInputTensor.newBuilder()
                    .setName(in.path("name").asString()).setDatatype(datatype);
            in.path("shape").forEach(d -> t.addShape(d.asLong()));
            if (raw) {
                b.addRawInputContents(ByteString.copyFrom(raw(in.path("data"), datatype)));
            } else {
                t.setContents(typed(in.path("data"), datatype));
            }
            b.addInputs(t);
        }
        return b.build();
    }

    static InferTensorContents typed(JsonNode data, String datatype) {
        List<JsonNode> values = new ArrayList<>();
        flatten(data, values);
        InferTensorContents.Builder c = InferTensorContents.newBuilder();
        for (JsonNode v : values) {
            switch (datatype) {
                case "BOOL" -> c.addBoolContents(v.asBoolean());
                case "INT8", "INT16", "INT32" -> c.addIntContents((int) v.asLong());
                case "INT64" -> c.addInt64Contents(v.asLong());
                case "UINT8", "UINT16", "UINT32" -> c.addUintContents((int) v.asLong());
                case "FP32" -> c.addFp32Contents((float) v.asDouble());
                case "FP64" -> c.addFp64Contents(v.asDouble());
                case "BYTES" -> c.addBytesContents(ByteString.copyFromUtf8(v.asString()));
                default -> throw new IllegalArgumentException(datatype);
            }
        }
        return c.build();
    }

    /** The response's outputs as OIP JSON outputs ({@code name, datatype, shape, data, parameters}). */
    static List<JsonNode> outputs(ModelInferResponse r) {
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < r.getOutputsCount(); i++) {
            ModelInferResponse.InferOutputTensor t = r.getOutputs(i);
            ObjectNode o = NodeClient.JSON.createObjectNode();
            o.put("name", t.getName());
            o.put("datatype", t.getDatatype());
            ArrayNode shape = o.putArray("shape");
            t.getShapeList().forEach(d -> shape.add(Math.toIntExact(d))); // ints, as JSON has them
            if (t.containsParameters("content_type")) {
                o.putObject("parameters").put("content_type", t.getParametersOrThrow("content_type").getStringParam());
            }
            ArrayNode data = o.putArray("data");
            if (r.getRawOutputContentsCount() > 0) {
                decode(r.getRawOutputContents(i).toByteArray(), t.getDatatype(), data);
            } else {
                InferTensorContents c = t.getContents();
                switch (t.getDatatype()) {
                    case "BOOL" -> c.getBoolContentsList().forEach(data::add);
                    case "INT8", "INT16", "INT32" -> c.getIntContentsList().forEach(data::add);
                    case "INT64" -> c.getInt64ContentsList().forEach(data::add);
                    case "FP32" -> c.getFp32ContentsList().forEach(data::add);
                    case "FP64" -> c.getFp64ContentsList().forEach(data::add);
                    case "BYTES" -> c.getBytesContentsList().forEach(s -> data.add(s.toStringUtf8()));
                    default -> throw new IllegalArgumentException(t.getDatatype());
                }
            }
            out.add(o);
        }
        return out;
    }

    /** Appends the elements of binary tensor data to a JSON array. */
    static void decode(byte[] bytes, String datatype, ArrayNode into) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            switch (datatype) {
                case "BOOL" -> into.add(b.get() != 0);
                case "INT8" -> into.add(b.get());
                case "UINT8" -> into.add(b.get() & 0xff);
                case "INT16" -> into.add(b.getShort());
                case "INT32" -> into.add(b.getInt());
                case "INT64" -> into.add(b.getLong());
                case "FP32" -> into.add(b.getFloat());
                case "FP64" -> into.add(b.getDouble());
                case "BYTES" -> {
                    byte[] s = new byte[b.getInt()];
                    b.get(s);
                    into.add(new String(s, StandardCharsets.UTF_8));
                }
                default -> throw new IllegalArgumentException(datatype);
            }
        }
    }

    /** The served output of that name, or an assertion error. */
    static JsonNode named(List<JsonNode> outputs, String name) {
        return outputs.stream().filter(o -> o.path("name").asString().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no output " + name + " in " + outputs));
    }
}
