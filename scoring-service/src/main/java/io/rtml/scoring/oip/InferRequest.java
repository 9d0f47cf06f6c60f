package io.rtml.scoring.oip;

import io.rtml.scoring.runtime.Datatype;
import io.rtml.scoring.runtime.InputTensor;
import java.util.List;

/** A parsed OIP inference request; its tensors hold pooled buffers, so close it after use. */
record InferRequest(String id, List<Input> inputs, List<String> outputs) implements AutoCloseable {

    /** One request input: the name, datatype and shape the caller declared, and the data read. */
    record Input(String name, Datatype datatype, long[] shape, InputTensor tensor) {}

    @Override
    public void close() {
        for (Input in : inputs) {
            in.tensor().close();
        }
    }
}
