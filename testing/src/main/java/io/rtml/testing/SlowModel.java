package io.rtml.testing;

import static io.rtml.testing.ProtoBuilder.message;
import static io.rtml.testing.ProtoBuilder.node;
import static io.rtml.testing.ProtoBuilder.tensorValue;

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

    private static final int FLOAT = 1;
    private static final int INT64 = 7;

    private SlowModel() {}

    public static byte[] bytes(int n, int matmuls) {
        ProtoBuilder graph = message()
                .message(1, node("ReduceSum", new String[] {"x"}, "sum_x"))
                .message(1, node("ConstantOfShape", new String[] {"square"}, "zeros"))
                .message(1, node("Mul", new String[] {"zeros", "sum_x"}, "z0"));
        for (int i = 1; i <= matmuls; i++) {
            graph.message(1, node("MatMul", new String[] {"z" + (i - 1), "z0"}, "z" + i));
        }
        graph.message(1, node("ReduceSum", new String[] {"z" + matmuls}, "total"))
                .message(1, node("Add", new String[] {"x", "total"}, "y"))
                .string(2, "slow")
                // TensorProto: dims [2], INT64, int64_data [n, n], name
                .message(5, message().packed(1, 2).varint(2, INT64).packed(7, n, n).string(8, "square"))
                .message(11, tensorValue("x", FLOAT, "N", 1L))
                .message(12, tensorValue("y", FLOAT, "N", 1L));
        return ProtoBuilder.model(graph).toByteArray();
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
