package io.rtml.onnx;

/**
 * One operator set the model imports. The default ONNX domain, written as an empty string in the
 * file, is named {@code ai.onnx} here so that clients need not know that convention.
 */
public record OpsetImport(String domain, long version) {}
