package io.rtml.onnx;

import io.rtml.onnx.proto.TensorProto;

/**
 * TensorProto.DataType codes (from onnx.proto) with the name ONNX writes inside {@code tensor(...)},
 * the Open Inference Protocol v2 datatype, where the protocol has one (it has none for complex,
 * 8/4/2-bit types), and the bytes of one element where every element has the same width in
 * {@code raw_data} (0 for strings and for 4- and 2-bit types, which are packed).
 */
public enum ElementType {
    UNDEFINED(TensorProto.DataType.UNDEFINED, "undefined", null, 0),
    FLOAT(TensorProto.DataType.FLOAT, "float", "FP32", 4),
    UINT8(TensorProto.DataType.UINT8, "uint8", "UINT8", 1),
    INT8(TensorProto.DataType.INT8, "int8", "INT8", 1),
    UINT16(TensorProto.DataType.UINT16, "uint16", "UINT16", 2),
    INT16(TensorProto.DataType.INT16, "int16", "INT16", 2),
    INT32(TensorProto.DataType.INT32, "int32", "INT32", 4),
    INT64(TensorProto.DataType.INT64, "int64", "INT64", 8),
    STRING(TensorProto.DataType.STRING, "string", "BYTES", 0),
    BOOL(TensorProto.DataType.BOOL, "bool", "BOOL", 1),
    FLOAT16(TensorProto.DataType.FLOAT16, "float16", "FP16", 2),
    DOUBLE(TensorProto.DataType.DOUBLE, "double", "FP64", 8),
    UINT32(TensorProto.DataType.UINT32, "uint32", "UINT32", 4),
    UINT64(TensorProto.DataType.UINT64, "uint64", "UINT64", 8),
    COMPLEX64(TensorProto.DataType.COMPLEX64, "complex64", null, 8),
    COMPLEX128(TensorProto.DataType.COMPLEX128, "complex128", null, 16),
    BFLOAT16(TensorProto.DataType.BFLOAT16, "bfloat16", "BF16", 2),
    FLOAT8E4M3FN(TensorProto.DataType.FLOAT8E4M3FN, "float8e4m3fn", null, 1),
    FLOAT8E4M3FNUZ(TensorProto.DataType.FLOAT8E4M3FNUZ, "float8e4m3fnuz", null, 1),
    FLOAT8E5M2(TensorProto.DataType.FLOAT8E5M2, "float8e5m2", null, 1),
    FLOAT8E5M2FNUZ(TensorProto.DataType.FLOAT8E5M2FNUZ, "float8e5m2fnuz", null, 1),
    UINT4(TensorProto.DataType.UINT4, "uint4", null, 0),
    INT4(TensorProto.DataType.INT4, "int4", null, 0),
    FLOAT4E2M1(TensorProto.DataType.FLOAT4E2M1, "float4e2m1", null, 0),
    FLOAT8E8M0(TensorProto.DataType.FLOAT8E8M0, "float8e8m0", null, 1),
    UINT2(TensorProto.DataType.UINT2, "uint2", null, 0),
    INT2(TensorProto.DataType.INT2, "int2", null, 0);

    private static final ElementType[] BY_CODE = values();

    private final String onnxName;
    private final String datatype;
    private final int fixedWidthBytes;

    ElementType(TensorProto.DataType code, String onnxName, String datatype, int fixedWidthBytes) {
        // The codes are dense from 0, so the ordinal is the code; the constructor keeps that honest.
        if (code.getNumber() != ordinal() || !code.name().equals(name())) {
            throw new IllegalStateException(name() + " is declared out of order");
        }
        this.onnxName = onnxName;
        this.datatype = datatype;
        this.fixedWidthBytes = fixedWidthBytes;
    }

    /** The name inside {@code tensor(...)}; a code newer than this table is shown by number. */
    public static String onnxName(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code].onnxName : "type" + code;
    }

    /** The Open Inference Protocol v2 datatype, or null where the protocol has none. */
    public static String datatype(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code].datatype : null;
    }

    /** Bytes per element in {@code raw_data}, or 0 where elements are not of one whole-byte width or the code is unknown. */
    public static int fixedWidthBytes(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code].fixedWidthBytes : 0;
    }

    /**
     * Whether the code is a real or complex floating-point type. Any bit pattern of such an element is
     * a value, so what those bytes hold cannot decide whether a model loads; integers can (indices, shapes).
     */
    public static boolean isFloatingPoint(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            return false;
        }
        return switch (BY_CODE[code]) {
            case FLOAT, FLOAT16, DOUBLE, COMPLEX64, COMPLEX128, BFLOAT16, FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2,
                    FLOAT8E5M2FNUZ, FLOAT4E2M1, FLOAT8E8M0 -> true;
            default -> false;
        };
    }
}
