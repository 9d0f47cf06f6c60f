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
        for (TensorSpec s : inputs) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
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
