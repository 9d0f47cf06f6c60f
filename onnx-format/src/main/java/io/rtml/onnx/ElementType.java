package io.rtml.onnx;

/**
 * TensorProto.DataType codes with the name ONNX writes inside {@code tensor(...)}, the Open Inference
 * Protocol v2 datatype, where the protocol has one (it has none for complex, 8/4/2-bit types), and the
 * bytes of one element where every element has the same width in {@code raw_data} (0 for strings and
 * for 4- and 2-bit types, which are packed).
 */
public enum ElementType {
    UNDEFINED(0, "undefined", null, 0),
    FLOAT(1, "float", "FP32", 4),
    UINT8(2, "uint8", "UINT8", 1),
    INT8(3, "int8", "INT8", 1),
    UINT16(4, "uint16", "UINT16", 2),
    INT16(5, "int16", "INT16", 2),
    INT32(6, "int32", "INT32", 4),
    INT64(7, "int64", "INT64", 8),
    STRING(8, "string", "BYTES", 0),
    BOOL(9, "bool", "BOOL", 1),
    FLOAT16(10, "float16", "FP16", 2),
    DOUBLE(11, "double", "FP64", 8),
    UINT32(12, "uint32", "UINT32", 4),
    UINT64(13, "uint64", "UINT64", 8),
    COMPLEX64(14, "complex64", null, 8),
    COMPLEX128(15, "complex128", null, 16),
    BFLOAT16(16, "bfloat16", "BF16", 2),
    FLOAT8E4M3FN(17, "float8e4m3fn", null, 1),
    FLOAT8E4M3FNUZ(18, "float8e4m3fnuz", null, 1),
    FLOAT8E5M2(19, "float8e5m2", null, 1),
    FLOAT8E5M2FNUZ(20, "float8e5m2fnuz", null, 1),
    UINT4(21, "uint4", null, 0),
    INT4(22, "int4", null, 0),
    FLOAT4E2M1(23, "float4e2m1", null, 0),
    FLOAT8E8M0(24, "float8e8m0", null, 1),
    UINT2(25, "uint2", null, 0),
    INT2(26, "int2", null, 0);

    private static final ElementType[] BY_CODE = values();

    private final String onnxName;
    private final String datatype;
    private final int fixedWidthBytes;

    ElementType(int code, String onnxName, String datatype, int fixedWidthBytes) {
        // The codes are dense from 0, so the ordinal is the code; the constructor keeps that honest.
        if (code != ordinal()) {
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
