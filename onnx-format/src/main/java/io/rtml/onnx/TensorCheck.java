package io.rtml.onnx;

import io.rtml.onnx.proto.SparseTensorProto;
import io.rtml.onnx.proto.StringStringEntryProto;
import io.rtml.onnx.proto.TensorProto;
import java.io.IOException;
import java.util.StringJoiner;

/**
 * Checks one stored tensor (TensorProto, SparseTensorProto) without reading its data: it must keep
 * its data inside the file, and its dims must not promise more elements than the limit, since ONNX
 * Runtime would try to allocate them when it loads the model.
 */
final class TensorCheck {

    private final ProtoReader reader;
    private final WalkBudget budget;

    TensorCheck(ProtoReader reader, WalkBudget budget) {
        this.reader = reader;
        this.budget = budget;
    }

    /** Checks the TensorProto the reader is inside; {@code kind} says where it sits. Returns its name. */
    String tensor(String kind) throws IOException {
        Dims dims = new Dims();
        String name = "";
        boolean external = false;
        String location = null;
        for (int tag = reader.nextTag(); tag != 0; tag = reader.nextTag()) {
            switch (ProtoReader.field(tag)) {
                case TensorProto.DIMS_FIELD_NUMBER -> reader.readInt64s(tag, dims::add);
                case TensorProto.NAME_FIELD_NUMBER -> name = reader.readName(tag, "tensor name");
                case TensorProto.DATA_LOCATION_FIELD_NUMBER ->
                        external |= reader.readInt32(tag) == TensorProto.DataLocation.EXTERNAL_VALUE;
                case TensorProto.EXTERNAL_DATA_FIELD_NUMBER -> {
                    external = true;
                    int outer = reader.enter(tag);
                    String found = externalLocation();
                    location = location == null ? found : location;
                    reader.leave(outer);
                }
                default -> reader.skip(tag);
            }
        }
        String where = name.isEmpty() ? kind : kind + " '" + name + "'";
        if (external) {
            // Only named in the message: following the path would let an upload read the server's files.
            throw OnnxRefusal.externalData(where, location);
        }
        dims.check(where, budget.limits().maxTensorElements());
        return name;
    }

    /** Checks the SparseTensorProto the reader is inside: both of its tensors and the dense shape. Returns its name. */
    String sparseTensor(String kind) throws IOException {
        Dims dims = new Dims();
        String name = "";
        for (int tag = reader.nextTag(); tag != 0; tag = reader.nextTag()) {
            switch (ProtoReader.field(tag)) {
                case SparseTensorProto.VALUES_FIELD_NUMBER, SparseTensorProto.INDICES_FIELD_NUMBER -> {
                    int outer = reader.enter(tag);
                    String inner = tensor(kind);
                    name = ProtoReader.field(tag) == SparseTensorProto.VALUES_FIELD_NUMBER ? inner : name;
                    reader.leave(outer);
                }
                case SparseTensorProto.DIMS_FIELD_NUMBER -> reader.readInt64s(tag, dims::add);
                default -> reader.skip(tag);
            }
        }
        // ONNX Runtime densifies sparse initializers, so the dense shape is what it allocates.
        dims.check(name.isEmpty() ? kind : kind + " '" + name + "'", budget.limits().maxTensorElements());
        return name;
    }

    private String externalLocation() throws IOException {
        String key = "";
        String value = null;
        for (int tag = reader.nextTag(); tag != 0; tag = reader.nextTag()) {
            switch (ProtoReader.field(tag)) {
                case StringStringEntryProto.KEY_FIELD_NUMBER -> key = reader.readText(tag);
                case StringStringEntryProto.VALUE_FIELD_NUMBER -> value = reader.readText(tag);
                default -> reader.skip(tag);
            }
        }
        return "location".equals(key) ? value : null;
    }

    /** The product of a tensor's dims, kept exact until it passes the limit or overflows. */
    private static final class Dims {
        private final StringJoiner shown = new StringJoiner(" x ", "[", "]");
        private long elements = 1;
        private boolean overflow;
        private boolean zero;
        private long negative;
        private int count;

        void add(long dim) {
            if (++count <= 16) {
                shown.add(Long.toString(dim));
            }
            if (dim < 0) {
                negative = dim;
            } else if (dim == 0) {
                zero = true;
            } else if (!overflow) {
                try {
                    elements = Math.multiplyExact(elements, dim);
                } catch (ArithmeticException e) {
                    overflow = true;
                }
            }
        }

        void check(String where, long max) {
            String dims = count > 16 ? shown + " (" + count + " dims)" : shown.toString();
            if (negative < 0) {
                throw OnnxRefusal.notOnnx(where + " declares a negative dimension " + negative + " in " + dims);
            }
            if (!zero && (overflow || elements > max)) {
                String size = overflow ? "more than 2^63" : Long.toString(elements);
                throw OnnxRefusal.tooComplex(where + " declares " + size + " elements " + dims + "; at most " + max
                        + " are allowed per tensor");
            }
        }
    }
}
