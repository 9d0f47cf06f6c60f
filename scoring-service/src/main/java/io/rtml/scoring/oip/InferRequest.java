package io.rtml.scoring.oip;

import io.rtml.scoring.runtime.Datatype;
import io.rtml.scoring.runtime.InputTensor;
import java.util.List;
import java.util.Map;

/**
 * A parsed OIP inference request; its tensors hold pooled buffers, so close it after use.
 *
 * @param binaryOutputs the request's {@code binary_data_output} parameter (binary tensor extension)
 * @param binaryByOutput each requested output's own {@code binary_data} parameter, where one is given;
 *     null when none is
 */
record InferRequest(String id, List<Input> inputs, List<String> outputs, boolean binaryOutputs,
        Map<String, Boolean> binaryByOutput) implements AutoCloseable {

    InferRequest(String id, List<Input> inputs, List<String> outputs) {
        this(id, inputs, outputs, false, null);
    }

    /** One request input: the name, datatype and shape the caller declared, and the data read. */
    record Input(String name, Datatype datatype, long[] shape, InputTensor tensor) {}

    /** Whether the reply carries this output as binary data after the JSON (binary tensor extension). */
    boolean binary(String output) {
        Boolean own = binaryByOutput == null ? null : binaryByOutput.get(output);
        return own != null ? own : binaryOutputs;
    }

    /** Whether any output travels as binary data: then the reply is a JSON header and the binary section. */
    boolean anyBinary() {
        return binaryOutputs || (binaryByOutput != null && binaryByOutput.containsValue(Boolean.TRUE));
    }

    @Override
    public void close() {
        for (Input in : inputs) {
            in.tensor().close();
        }
    }
}
