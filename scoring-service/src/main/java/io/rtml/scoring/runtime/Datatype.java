package io.rtml.scoring.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo.OnnxTensorType;

/**
 * Tensor element types by their Open Inference Protocol names, with how each is laid out in a
 * native buffer for ONNX Runtime. {@code javaType} is null where ONNX Runtime for Java cannot
 * create an input tensor of that type (the unsigned 16/32/64-bit types): such inputs are refused
 * with 400, while outputs of those types are still read and written.
 */
public enum Datatype {
    BOOL(1, OnnxJavaType.BOOL),
    UINT8(1, OnnxJavaType.UINT8),
    UINT16(2, null),
    UINT32(4, null),
    UINT64(8, null),
    INT8(1, OnnxJavaType.INT8),
    INT16(2, OnnxJavaType.INT16),
    INT32(4, OnnxJavaType.INT32),
    INT64(8, OnnxJavaType.INT64),
    FP16(2, OnnxJavaType.FLOAT16),
    FP32(4, OnnxJavaType.FLOAT),
    FP64(8, OnnxJavaType.DOUBLE),
    BYTES(0, OnnxJavaType.STRING);

    private final int size;
    private final OnnxJavaType javaType;

    Datatype(int size, OnnxJavaType javaType) {
        this.size = size;
        this.javaType = javaType;
    }

    /** Bytes per element in a native buffer; 0 for strings, which travel as a String[]. */
    public int size() {
        return size;
    }

    OnnxJavaType javaType() {
        return javaType;
    }

    public boolean canFeed() {
        return javaType != null;
    }

    /** The OIP name of an ONNX element type, or null when the protocol has none (complex, bfloat16, float8). */
    static Datatype of(OnnxTensorType type) {
        return switch (type) {
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> BOOL;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> UINT8;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16 -> UINT16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32 -> UINT32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64 -> UINT64;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> INT8;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 -> INT16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> INT32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> INT64;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> FP16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> FP32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> FP64;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING -> BYTES;
            default -> null;
        };
    }

    /** Parses a client-supplied name; null when unknown. */
    public static Datatype parse(String name) {
        for (Datatype d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }
}
