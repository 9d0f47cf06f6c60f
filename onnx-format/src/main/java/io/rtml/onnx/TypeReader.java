package io.rtml.onnx;

import io.rtml.onnx.proto.TensorShapeProto;
import io.rtml.onnx.proto.TypeProto;
import io.rtml.onnx.proto.ValueInfoProto;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads ValueInfoProto and TypeProto into a {@link ValueSpec}: the type written the way ONNX writes it,
 * the Open Inference Protocol datatype of dense tensors, and the declared shape.
 */
final class TypeReader {

    /** The fields of TypeProto's oneof {@code value}: one kind of type each. */
    private static final Set<Integer> VALUE_TYPES = Set.of(TypeProto.TENSOR_TYPE_FIELD_NUMBER,
            TypeProto.SPARSE_TENSOR_TYPE_FIELD_NUMBER, TypeProto.SEQUENCE_TYPE_FIELD_NUMBER, TypeProto.MAP_TYPE_FIELD_NUMBER,
            TypeProto.OPTIONAL_TYPE_FIELD_NUMBER, TypeProto.OPAQUE_TYPE_FIELD_NUMBER);

    /** A type as read; {@code onnxType} is "undefined" where the file leaves it out. */
    private record ValueType(String onnxType, String datatype, List<Object> shape) {
        static final ValueType UNDEFINED = new ValueType("undefined", null, null);
    }

    private final ProtoReader reader;
    private final WalkBudget budget;

    TypeReader(ProtoReader reader, WalkBudget budget) {
        this.reader = reader;
        this.budget = budget;
    }

    /** Reads the ValueInfoProto the reader is inside. */
    ValueSpec valueInfo() throws IOException {
        String name = "";
        ValueType type = ValueType.UNDEFINED;
        for (int tag = reader.nextTag(); tag != 0; tag = reader.nextTag()) {
            switch (ProtoReader.field(tag)) {
                case ValueInfoProto.NAME_FIELD_NUMBER -> name = reader.readName(tag, "graph input or output name");
                case ValueInfoProto.TYPE_FIELD_NUMBER -> type = nested(tag, 1);
                default -> reader.skip(tag);
            }
        }
        budget.keep(name);
        return new ValueSpec(name, type.onnxType(), type.datatype(), type.shape());
    }

    private ValueType nested(int tag, int depth) throws IOException {
        int outer = reader.enter(tag);
        ValueType type = type(depth);
        reader.leave(outer);
        return type;
    }

    private ValueType type(int depth) throws IOException {
        budget.typeAt(depth);
        ValueType type = ValueType.UNDEFINED;
        for (int tag = reader.nextTag(); tag != 0; tag = reader.nextTag()) {
            int field = ProtoReader.field(tag);
            if (VALUE_TYPES.contains(field)) {
                int outer = reader.enter(tag);
                type = switch (field) {
                    case TypeProto.TENSOR_TYPE_FIELD_NUMBER -> tensor(false);
                    case TypeProto.SPARSE_TENSOR_TYPE_FIELD_NUMBER -> tensor(true);
                    case TypeProto.SEQUENCE_TYPE_FIELD_NUMBER -> wrapper("seq", depth);
                    case TypeProto.OPTIONAL_TYPE_FIELD_NUMBER -> wrapper("optional", depth);
                    case TypeProto.MAP_TYPE_FIELD_NUMBER -> map(depth);
                    default -> opaque();
                };
                reader.leave(outer);
            } else {
                reader.skip(tag);
            }
        }
        return type;
    }

    private ValueType tensor(boolean sparse) throws IOException {
        int elementType = 0;
        List<Object> shape = null;
        for (int tag = reader.nextTag(); tag != 0; tag = reader.nextTag()) {
            switch (ProtoReader.field(tag)) {
                // TypeProto.SparseTensor numbers its fields as TypeProto.Tensor does.
                case TypeProto.Tensor.ELEM_TYPE_FIELD_NUMBER -> elementType = reader.readInt32(tag);
                case TypeProto.Tensor.SHAPE_FIELD_NUMBER -> {
                    int outer = reader.enter(tag);
                    shape = shape();
                    reader.leave(outer);
                }
                default -> reader.skip(tag);
            }
        }
        String element = ElementType.onnxName(elementType);
        // The protocol has no sparse tensors: a sparse value keeps its shape but gets no datatype.
        return sparse
                ? new ValueType("sparse_tensor(" + element + ")", null, shape)
                : new ValueType("tensor(" + element + ")", ElementType.datatype(elementType), shape);
    }

    private List<Object> shape() throws IOException {
        List<Object> dims = new ArrayList<>();
        for (int tag = reader.nextTag(); tag != 0; tag = reader.nextTag()) {
            if (ProtoReader.field(tag) == TensorShapeProto.DIM_FIELD_NUMBER) {
                int outer = reader.enter(tag);
                Object dim = dimension();
                reader.leave(outer);
                budget.keep(dim instanceof String name ? name : null);
                dims.add(dim);
            } else {
                reader.skip(tag);
            }
        }
        return dims;
    }

    /** A Long for a fixed size, the name as written for a symbolic one, null for neither. */
    private Object dimension() throws IOException {
        Object dim = null;
        for (int tag = reader.nextTag(); tag != 0; tag = reader.nextTag()) {
            switch (ProtoReader.field(tag)) {
                case TensorShapeProto.Dimension.DIM_VALUE_FIELD_NUMBER -> dim = reader.readInt64(tag);
                case TensorShapeProto.Dimension.DIM_PARAM_FIELD_NUMBER -> dim = reader.readName(tag, "dimension name");
                default -> reader.skip(tag);
            }
        }
        return dim;
    }

    private ValueType wrapper(String kind, int depth) throws IOException {
        ValueType element = ValueType.UNDEFINED;
        for (int tag = reader.nextTag(); tag != 0; tag = reader.nextTag()) {
            // TypeProto.Optional numbers its element type as TypeProto.Sequence does.
            if (ProtoReader.field(tag) == TypeProto.Sequence.ELEM_TYPE_FIELD_NUMBER) {
                element = nested(tag, depth + 1);
            } else {
                reader.skip(tag);
            }
        }
        return new ValueType(kind + "(" + element.onnxType() + ")", null, null);
    }

    private ValueType map(int depth) throws IOException {
        int keyType = 0;
        ValueType value = ValueType.UNDEFINED;
        for (int tag = reader.nextTag(); tag != 0; tag = reader.nextTag()) {
            switch (ProtoReader.field(tag)) {
                case TypeProto.Map.KEY_TYPE_FIELD_NUMBER -> keyType = reader.readInt32(tag);
                case TypeProto.Map.VALUE_TYPE_FIELD_NUMBER -> value = nested(tag, depth + 1);
                default -> reader.skip(tag);
            }
        }
        return new ValueType("map(" + ElementType.onnxName(keyType) + "," + value.onnxType() + ")", null, null);
    }

    private ValueType opaque() throws IOException {
        String domain = "";
        String name = "";
        for (int tag = reader.nextTag(); tag != 0; tag = reader.nextTag()) {
            switch (ProtoReader.field(tag)) {
                case TypeProto.Opaque.DOMAIN_FIELD_NUMBER -> domain = reader.readName(tag, "opaque type domain");
                case TypeProto.Opaque.NAME_FIELD_NUMBER -> name = reader.readName(tag, "opaque type name");
                default -> reader.skip(tag);
            }
        }
        return new ValueType(domain.isEmpty() ? "opaque(" + name + ")" : "opaque(" + domain + "," + name + ")", null, null);
    }
}
