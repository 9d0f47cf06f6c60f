package io.rtml.onnx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One graph input or output as a client must feed or read it.
 *
 * @param name the value's name in the graph
 * @param onnxType the type as ONNX writes it: {@code tensor(float)}, {@code seq(map(int64,tensor(float)))},
 *     {@code sparse_tensor(float)}, {@code optional(tensor(int64))}, ...; {@code undefined} where the file
 *     declares no type
 * @param datatype the Open Inference Protocol v2 name ({@code FP32}, {@code INT64}, {@code BYTES}, ...) for a
 *     dense tensor whose element type the protocol can carry; null otherwise
 * @param shape per dimension a {@link Long} (fixed size), a {@link String} (symbolic name as written, e.g.
 *     {@code batch}) or null (unknown); null when the value is not a (sparse) tensor or its rank is unknown
 */
public record ValueSpec(String name, String onnxType, String datatype, List<Object> shape) {

    public ValueSpec {
        shape = shape == null ? null : normalize(shape);
    }

    // A shape read back from JSON carries Integers for small numbers; keep Long so that a stored
    // signature equals the one inspected. List.copyOf is not usable: unknown dimensions are nulls.
    private static List<Object> normalize(List<Object> dims) {
        List<Object> copy = new ArrayList<>(dims.size());
        for (Object dim : dims) {
            if (dim instanceof Number number) {
                copy.add(number.longValue());
            } else if (dim == null || dim instanceof String) {
                copy.add(dim);
            } else {
                throw new IllegalArgumentException("a dimension is a number, a name or null, not " + dim);
            }
        }
        return Collections.unmodifiableList(copy);
    }
}
