package io.rtml.onnx;

import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.ModelProto;
import io.rtml.onnx.proto.NodeProto;
import io.rtml.onnx.proto.OperatorSetIdProto;
import io.rtml.onnx.proto.TensorProto;
import io.rtml.onnx.proto.TensorShapeProto;
import io.rtml.onnx.proto.TypeProto;
import io.rtml.onnx.proto.ValueInfoProto;

/** Small models for this module's tests, built with the generated classes (the testing module depends on this one). */
final class TestModels {

    private TestModels() {}

    /** ModelProto with IR 8, the default opset 13 and the given graph. */
    static ModelProto model(GraphProto.Builder graph) {
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("rtml-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(graph)
                .build();
    }

    /** y = Identity(x), both float [N, 3]. */
    static GraphProto.Builder identityGraph() {
        return GraphProto.newBuilder()
                .addNode(NodeProto.newBuilder().addInput("x").addOutput("y").setOpType("Identity"))
                .setName("identity")
                .addInput(floatValue("x"))
                .addOutput(floatValue("y"));
    }

    private static ValueInfoProto floatValue(String name) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(3))
                .build();
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
                .build();
    }
}
