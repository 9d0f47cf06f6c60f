package io.rtml.registry.onnx;

/**
 * TensorProto.DataType codes with the name ONNX writes inside {@code tensor(...)} and the Open
 * Inference Protocol v2 datatype, where the protocol has one (it has none for complex, 8/4/2-bit types).
 */
enum ElementType {
    UNDEFINED(0, "undefined", null),
    FLOAT(1, "float", "FP32"),
    UINT8(2, "uint8", "UINT8"),
    INT8(3, "int8", "INT8"),
    UINT16(4, "uint16", "UINT16"),
    INT16(5, "int16", "INT16"),
    INT32(6, "int32", "INT32"),
    INT64(7, "int64", "INT64"),
    STRING(8, "string", "BYTES"),
    BOOL(9, "bool", "BOOL"),
    FLOAT16(10, "float16", "FP16"),
    DOUBLE(11, "double", "FP64"),
    UINT32(12, "uint32", "UINT32"),
    UINT64(13, "uint64", "UINT64"),
    COMPLEX64(14, "complex64", null),
    COMPLEX128(15, "complex128", null),
    BFLOAT16(16, "bfloat16", "BF16"),
    FLOAT8E4M3FN(17, "float8e4m3fn", null),
    FLOAT8E4M3FNUZ(18, "float8e4m3fnuz", null),
    FLOAT8E5M2(19, "float8e5m2", null),
    FLOAT8E5M2FNUZ(20, "float8e5m2fnuz", null),
    UINT4(21, "uint4", null),
    INT4(22, "int4", null),
    FLOAT4E2M1(23, "float4e2m1", null),
    FLOAT8E8M0(24, "float8e8m0", null),
    UINT2(25, "uint2", null),
    INT2(26, "int2", null);

    private static final ElementType[] BY_CODE = values();

    private final String onnxName;
    private final String datatype;

    ElementType(int code, String onnxName, String datatype) {
        // The codes are dense from 0, so the ordinal is the code; the constructor keeps that honest.
        if (code != ordinal()) {
            throw new IllegalStateException(name() + " is declared out of order");
        }
        this.onnxName = onnxName;
        this.datatype = datatype;
    }

    /** The name inside {@code tensor(...)}; a code newer than this table is shown by number. */
    static String onnxName(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code].onnxName : "type" + code;
    }

    /** The Open Inference Protocol v2 datatype, or null where the protocol has none. */
    static String datatype(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code].datatype : null;
    }
}
