package io.rtml.testing;

import static io.rtml.testing.ProtoBuilder.nodeProto;
import static io.rtml.testing.ProtoBuilder.valueInfo;

import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.TensorProto;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An ONNX model that is deliberately slow: {@code y = x + sum(Z^(matmuls+1))} where {@code Z} is
 * an n×n matrix of zeros times {@code sum(x)}, so every run does {@code matmuls} n×n matrix
 * products (about {@code 2·n³·matmuls} floating-point operations) and still answers {@code y = x}
 * for finite inputs. Z depends on the input so that ONNX Runtime cannot fold the products into a
 * constant at load. Input {@code x} and output {@code y} are FLOAT {@code [N, 1]}.
 */
public final class SlowModel {

    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;

    private SlowModel() {}

    public static byte[] bytes(int n, int matmuls) {
        GraphProto.Builder graph = GraphProto.newBuilder()
                .addNode(nodeProto("ReduceSum", new String[] {"x"}, "sum_x"))
                .addNode(nodeProto("ConstantOfShape", new String[] {"square"}, "zeros"))
                .addNode(nodeProto("Mul", new String[] {"zeros", "sum_x"}, "z0"));
        for (int i = 1; i <= matmuls; i++) {
            graph.addNode(nodeProto("MatMul", new String[] {"z" + (i - 1), "z0"}, "z" + i));
        }
        graph.addNode(nodeProto("ReduceSum", new String[] {"z" + matmuls}, "total"))
                .addNode(nodeProto("Add", new String[] {"x", "total"}, "y"))
                .setName("slow")
                .addInitializer(TensorProto.newBuilder()
                        .addDims(2).setDataType(TensorProto.DataType.INT64_VALUE).addInt64Data(n).addInt64Data(n).setName("square"))
                .addInput(valueInfo("x", FLOAT, "N", 1L))
                .addOutput(valueInfo("y", FLOAT, "N", 1L));
        return ProtoBuilder.model(ProtoBuilder.of(graph.build())).toByteArray();
    }

    /** Hex SHA-256 of a model's bytes, as the node's stage call wants it. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
