package io.rtml.scoring.runtime;

import java.util.List;

/**
 * What a loaded model takes and returns, read from the ONNX Runtime session, in the model's own
 * order. {@code featureNames} orders the columns of a single 2-D input for the records API; it is
 * empty when neither the stage request nor the model's {@code feature_names} metadata gives one.
 */
public record Signature(List<TensorSpec> inputs, List<TensorSpec> outputs, List<String> featureNames) {

    public Signature {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        featureNames = List.copyOf(featureNames);
    }

    public TensorSpec input(String name) {
        int index = inputIndex(name);
        return index < 0 ? null : inputs.get(index);
    }

    /** The input's position in the model's order, or -1 when the model has no such input. */
    public int inputIndex(String name) {
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    public TensorSpec output(String name) {
        for (TensorSpec s : outputs) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }
}
