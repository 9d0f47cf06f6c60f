package io.rtml.scoring;

import static io.rtml.testing.ProtoBuilder.nodeProto;
import static io.rtml.testing.ProtoBuilder.valueInfo;

import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.TensorProto;
import io.rtml.testing.ProtoBuilder;

/**
 * A model that fails inside ONNX Runtime for some inputs: {@code y = Reshape(x, [2, 1])} with
 * {@code x} FLOAT {@code [N, 1]}, so a request of two rows is answered and any other row count
 * fails at run time (a server error, not a rejected input: the signature accepts any N).
 */
final class FailingModel {

    private FailingModel() {}

    static byte[] bytes() {
        GraphProto graph = GraphProto.newBuilder()
                .addNode(nodeProto("Reshape", new String[] {"x", "two_rows"}, "y"))
                .setName("fails_unless_two_rows")
                .addInitializer(TensorProto.newBuilder().addDims(2).setDataType(TensorProto.DataType.INT64_VALUE)
                        .addInt64Data(2).addInt64Data(1).setName("two_rows"))
                .addInput(valueInfo("x", TensorProto.DataType.FLOAT_VALUE, "N", 1L))
                .addOutput(valueInfo("y", TensorProto.DataType.FLOAT_VALUE, 2L, 1L))
                .build();
        return ProtoBuilder.model(ProtoBuilder.of(graph)).toByteArray();
    }

    /** An OIP request body of {@code rows} rows of x = 0.25. */
    static String request(int rows) {
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            data.append(i == 0 ? "" : ",").append("0.25");
        }
        return "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[" + rows + ",1],\"data\":[" + data + "]}]}";
    }
}
