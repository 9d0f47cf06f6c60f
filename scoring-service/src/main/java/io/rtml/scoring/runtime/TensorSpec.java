package io.rtml.scoring.runtime;

import java.util.Arrays;

/**
 * One declared input or output of a model. {@code shape} uses -1 for every dynamic dimension, as
 * the Open Inference Protocol does. A ZipMap output (sequence of maps) has {@code zipMap} set, its
 * map key type in {@code mapKey}, datatype BYTES and shape [-1]: it is served as one JSON object
 * string per row.
 */
public record TensorSpec(String name, Datatype datatype, long[] shape, boolean zipMap, Datatype mapKey) {

    public TensorSpec {
        shape = shape.clone();
    }

    public static TensorSpec tensor(String name, Datatype datatype, long[] shape) {
        return new TensorSpec(name, datatype, shape, false, null);
    }

    public static TensorSpec zipMap(String name, Datatype mapKey) {
        return new TensorSpec(name, Datatype.BYTES, new long[] {-1}, true, mapKey);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i];
    }

    @Override
    public String toString() {
        return name + ":" + datatype + Arrays.toString(shape);
    }
}
