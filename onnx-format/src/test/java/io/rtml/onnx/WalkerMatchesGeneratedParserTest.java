package io.rtml.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.ModelProto;
import io.rtml.onnx.proto.SparseTensorProto;
import io.rtml.onnx.proto.StringStringEntryProto;
import io.rtml.onnx.proto.TensorShapeProto;
import io.rtml.onnx.proto.TypeProto;
import io.rtml.onnx.proto.ValueInfoProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The streaming walker and the parser generated from onnx.proto read the reference models alike: the
 * signature the walker finds is the one built from the whole parsed ModelProto, and a file the parser
 * rejects the walker refuses. So the walker's field handling cannot drift from the schema.
 */
class WalkerMatchesGeneratedParserTest {

    static Stream<Path> referenceModels() throws IOException {
        Path dir = Path.of(System.getProperty("rtml.shared-models", "../../shared/models"));
        try (Stream<Path> dirs = Files.list(dir)) {
            List<Path> models = dirs.map(d -> d.resolve("model.onnx")).filter(Files::isRegularFile).sorted().toList();
            assertThat(models).as("reference models in " + dir.toAbsolutePath()).hasSizeGreaterThan(10);
            return models.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("referenceModels")
    void theWalkerFindsTheSignatureOfTheParsedModel(Path file) throws IOException {
        ModelProto model;
        try (InputStream in = Files.newInputStream(file)) {
            model = ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            assertThatThrownBy(() -> ModelWalker.walk(file, InspectionLimits.defaults()))
                    .isInstanceOf(OnnxRefusal.class)
                    .extracting(refusal -> ((OnnxRefusal) refusal).kind())
                    .isEqualTo(OnnxRefusal.Kind.MALFORMED);
            return;
        }
        if (!model.hasGraph() || model.getIrVersion() <= 0 || model.getGraph().getOutputCount() == 0) {
            assertThatThrownBy(() -> ModelWalker.walk(file, InspectionLimits.defaults())).isInstanceOf(OnnxRefusal.class);
            return;
        }

        assertThat(ModelWalker.walk(file, InspectionLimits.defaults())).isEqualTo(signature(model));
    }

    private static ModelSignature signature(ModelProto model) {
        GraphProto graph = model.getGraph();
        Set<String> initializers = new HashSet<>();
        graph.getInitializerList().forEach(tensor -> initializers.add(tensor.getName()));
        for (SparseTensorProto sparse : graph.getSparseInitializerList()) {
            initializers.add(sparse.getValues().getName());
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (StringStringEntryProto entry : model.getMetadataPropsList()) {
            metadata.put(entry.getKey(), entry.getValue());
        }
        return new ModelSignature(model.getIrVersion(), model.getProducerName(), model.getProducerVersion(), graph.getName(),
                model.getDomain(), model.getModelVersion(), model.getDocString(),
                model.getOpsetImportList().stream()
                        .map(o -> new OpsetImport(o.getDomain().isEmpty() ? "ai.onnx" : o.getDomain(), o.getVersion()))
                        .toList(),
                graph.getInputList().stream().filter(i -> !initializers.contains(i.getName()))
                        .map(WalkerMatchesGeneratedParserTest::value).toList(),
                graph.getOutputList().stream().map(WalkerMatchesGeneratedParserTest::value).toList(),
                metadata);
    }

    private static ValueSpec value(ValueInfoProto info) {
        TypeProto type = info.getType();
        return switch (type.getValueCase()) {
            case TENSOR_TYPE -> new ValueSpec(info.getName(), onnxType(type),
                    ElementType.datatype(type.getTensorType().getElemType()), shape(type.getTensorType().hasShape(),
                            type.getTensorType().getShape()));
            case SPARSE_TENSOR_TYPE -> new ValueSpec(info.getName(), onnxType(type), null,
                    shape(type.getSparseTensorType().hasShape(), type.getSparseTensorType().getShape()));
            default -> new ValueSpec(info.getName(), onnxType(type), null, null);
        };
    }

    private static String onnxType(TypeProto type) {
        return switch (type.getValueCase()) {
            case TENSOR_TYPE -> "tensor(" + ElementType.onnxName(type.getTensorType().getElemType()) + ")";
            case SPARSE_TENSOR_TYPE -> "sparse_tensor(" + ElementType.onnxName(type.getSparseTensorType().getElemType()) + ")";
            case SEQUENCE_TYPE -> "seq(" + onnxType(type.getSequenceType().getElemType()) + ")";
            case OPTIONAL_TYPE -> "optional(" + onnxType(type.getOptionalType().getElemType()) + ")";
            case MAP_TYPE -> "map(" + ElementType.onnxName(type.getMapType().getKeyType()) + ","
                    + onnxType(type.getMapType().getValueType()) + ")";
            case OPAQUE_TYPE -> type.getOpaqueType().getDomain().isEmpty()
                    ? "opaque(" + type.getOpaqueType().getName() + ")"
                    : "opaque(" + type.getOpaqueType().getDomain() + "," + type.getOpaqueType().getName() + ")";
            case VALUE_NOT_SET -> "undefined";
        };
    }

    private static List<Object> shape(boolean present, TensorShapeProto shape) {
        if (!present) {
            return null;
        }
        List<Object> dims = new ArrayList<>();
        for (TensorShapeProto.Dimension dim : shape.getDimList()) {
            dims.add(switch (dim.getValueCase()) {
                case DIM_VALUE -> dim.getDimValue();
                case DIM_PARAM -> dim.getDimParam();
                case VALUE_NOT_SET -> null;
            });
        }
        return dims;
    }
}
