package io.rtml.onnx;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads ValueInfoProto and TypeProto into a {@link ValueSpec}: the type written the way ONNX writes it,
 * the Open Inference Protocol datatype of dense tensors, and the declared shape.
 */
final class TypeReader {

    private static final int VALUE_NAME = 1;
    private static final int VALUE_TYPE = 2;
    private static final int TYPE_TENSOR = 1;
    private static final int TYPE_SEQUENCE = 4;
    private static final int TYPE_MAP = 5;
    private static final int TYPE_OPAQUE = 7;
    private static final int TYPE_SPARSE_TENSOR = 8;
    private static final int TYPE_OPTIONAL = 9;
    // Tensor and SparseTensor: elem_type 1, shape 2; Sequence and Optional: elem_type 1; Map: key_type 1, value_type 2.
    private static final int FIRST = 1;
    private static final int SECOND = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_VALUE = 1;
    private static final int DIM_PARAM = 2;

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
                case VALUE_NAME -> name = reader.readName(tag, "graph input or output name");
                case VALUE_TYPE -> type = nested(tag, 1);
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
            if (field == TYPE_TENSOR || field == TYPE_SPARSE_TENSOR || field == TYPE_SEQUENCE || field == TYPE_MAP
                    || field == TYPE_OPTIONAL || field == TYPE_OPAQUE) {
                int outer = reader.enter(tag);
                type = switch (field) {
                    case TYPE_TENSOR -> tensor(false);
                    case TYPE_SPARSE_TENSOR -> tensor(true);
                    case TYPE_SEQUENCE -> wrapper("seq", depth);
                    case TYPE_OPTIONAL -> wrapper("optional", depth);
                    case TYPE_MAP -> map(depth);
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
                case FIRST -> elementType = reader.readInt32(tag);
                case SECOND -> {
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
            if (ProtoReader.field(tag) == SHAPE_DIM) {
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
                case DIM_VALUE -> dim = reader.readInt64(tag);
                case DIM_PARAM -> dim = reader.readName(tag, "dimension name");
                default -> reader.skip(tag);
            }
        }
        return dim;
    }

    private ValueType wrapper(String kind, int depth) throws IOException {
        ValueType element = ValueType.UNDEFINED;
        for (int tag = reader.nextTag(); tag != 0; tag = reader.nextTag()) {
            if (ProtoReader.field(tag) == FIRST) {
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
                case FIRST -> keyType = reader.readInt32(tag);
                case SECOND -> value = nested(tag, depth + 1);
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
                case FIRST -> domain = reader.readName(tag, "opaque type domain");
                case SECOND -> name = reader.readName(tag, "opaque type name");
                default -> reader.skip(tag);
            }
        }
        return new ValueType(domain.isEmpty() ? "opaque(" + name + ")" : "opaque(" + domain + "," + name + ")", null, null);
    }
}
