package io.rtml.scoring.runtime;

/** A model file that ONNX Runtime cannot load or run (bad bytes, custom op, missing locale, ...). */
public class ModelLoadException extends Exception {

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
