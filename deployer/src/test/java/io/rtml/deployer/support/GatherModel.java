package io.rtml.deployer.support;

import static io.rtml.testing.ProtoBuilder.nodeProto;
import static io.rtml.testing.ProtoBuilder.valueInfo;

import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.TensorProto;
import io.rtml.testing.ProtoBuilder;

/**
 * Models for rollouts: {@code y = Gather(table, x)} with x INT64 [N, 1] (an index, 0-19 in the
 * tests' requests) and y FLOAT [N, 1], table[i] = i / 20 + offset. A table shorter than 20 makes
 * ONNX Runtime fail the run for the indices past its end (a server error on some inputs); an offset
 * shifts every output.
 */
public final class GatherModel {

    /** Indices the tests draw from: 0 to 19. */
    public static final int INDICES = 20;

    private GatherModel() {}

    public static byte[] bytes(int tableSize, float offset, String name) {
        TensorProto.Builder table = TensorProto.newBuilder().addDims(tableSize)
                .setDataType(TensorProto.DataType.FLOAT_VALUE).setName("table");
        for (int i = 0; i < tableSize; i++) {
            table.addFloatData(i / (float) INDICES + offset);
        }
        GraphProto graph = GraphProto.newBuilder()
                .addNode(nodeProto("Gather", new String[] {"table", "x"}, "y"))
                .setName(name)
                .addInitializer(table)
                .addInput(valueInfo("x", TensorProto.DataType.INT64_VALUE, "N", 1L))
                .addOutput(valueInfo("y", TensorProto.DataType.FLOAT_VALUE, "N", 1L))
                .build();
        return ProtoBuilder.model(ProtoBuilder.of(graph)).toByteArray();
    }

    /** An OIP request for index {@code x}. */
    public static String request(int x) {
        return "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,1],\"datatype\":\"INT64\",\"data\":[" + x + "]}]}";
    }
}
