package io.rtml.scoring.oip;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.rtml.scoring.http.ApiException;
import io.rtml.scoring.oip.grpc.InferParameter;
import io.rtml.scoring.oip.grpc.InferTensorContents;
import io.rtml.scoring.oip.grpc.ModelInferRequest;
import io.rtml.scoring.oip.grpc.ModelInferResponse;
import io.rtml.scoring.runtime.Datatype;
import io.rtml.scoring.runtime.InputTensor;
import io.rtml.scoring.runtime.OutputValue;
import io.rtml.scoring.runtime.TensorBudget;
import java.util.ArrayList;
import java.util.List;

/**
 * Between OIP gRPC messages and the node's tensors: a {@link ModelInferRequest} becomes the same
 * {@link InferRequest} the JSON reader produces (so one validator checks both), and outputs become
 * a {@link ModelInferResponse}. Raw contents are copied into the input buffers in one piece; typed
 * contents element by element, range-checked as JSON numbers are.
 */
final class GrpcTensors {

    private GrpcTensors() {}

    static InferRequest read(ModelInferRequest req, ByteBufAllocator alloc, TensorBudget budget) {
        int raws = req.getRawInputContentsCount();
        if (raws > 0 && raws != req.getInputsCount()) {
            throw ApiException.badRequest("raw_input_contents has " + raws + " entries for " + req.getInputsCount()
                    + " inputs: give one per input, in the order of 'inputs', or none");
        }
        List<InferRequest.Input> inputs = new ArrayList<>(req.getInputsCount());
        try {
            for (int i = 0; i < req.getInputsCount(); i++) {
                inputs.add(input(req.getInputs(i), i, raws > 0 ? req.getRawInputContents(i) : null, alloc, budget));
            }
        } catch (RuntimeException e) {
            inputs.forEach(in -> in.tensor().close());
            throw e;
        }
        List<String> outputs = new ArrayList<>(req.getOutputsCount());
        for (ModelInferRequest.InferRequestedOutputTensor out : req.getOutputsList()) {
            outputs.add(out.getName());
        }
        return new InferRequest(req.getId().isEmpty() ? null : req.getId(), inputs, outputs);
    }

    private static InferRequest.Input input(ModelInferRequest.InferInputTensor in, int index, ByteString raw,
            ByteBufAllocator alloc, TensorBudget budget) {
        String name = in.getName();
        if (name.isEmpty()) {
            throw ApiException.badRequest("inputs[" + index + "] has no name");
        }
        Datatype type = Datatype.parse(in.getDatatype());
        if (type == null) {
            throw ApiException.badRequest("input '" + name + "': unknown datatype '" + in.getDatatype() + "'");
        }
        long[] shape = new long[in.getShapeCount()];
        for (int d = 0; d < shape.length; d++) {
            shape[d] = in.getShape(d);
            if (shape[d] < 0) {
                throw ApiException.badRequest("input '" + name + "': shape must hold non-negative integers");
            }
        }
        if (raw != null && in.hasContents()) {
            throw ApiException.badRequest("input '" + name + "' has typed contents, but the request uses "
                    + "raw_input_contents: use one form for every input");
        }
        // Room for the declared values, but never more than the message carries: a small message
        // declaring huge shapes must not make the node set aside memory for them.
        long carried = raw != null ? (type.size() == 0 ? 16 : raw.size() / type.size()) : values(in.getContents());
        int expected = (int) Math.min(InferRequestReader.product(shape), carried);
        InputTensor tensor = new InputTensor(name, type, alloc, expected, budget);
        try {
            if (raw != null) {
                ByteBuf bytes = Unpooled.wrappedBuffer(raw.asReadOnlyByteBuffer());
                tensor.putRaw(bytes, bytes.readerIndex(), bytes.readableBytes());
            } else {
                typed(in.getContents(), tensor);
            }
            return new InferRequest.Input(name, type, shape, tensor);
        } catch (RuntimeException e) {
            tensor.close();
            throw e;
        }
    }

    private static long values(InferTensorContents c) {
        return (long) c.getBoolContentsCount() + c.getIntContentsCount() + c.getInt64ContentsCount()
                + c.getUintContentsCount() + c.getUint64ContentsCount() + c.getFp32ContentsCount()
                + c.getFp64ContentsCount() + c.getBytesContentsCount();
    }

    /** Takes the field of the tensor's datatype; values in any other field are a mistake worth naming. */
    private static void typed(InferTensorContents c, InputTensor into) {
        int all = c.getBoolContentsCount() + c.getIntContentsCount() + c.getInt64ContentsCount()
                + c.getUintContentsCount() + c.getUint64ContentsCount() + c.getFp32ContentsCount()
                + c.getFp64ContentsCount() + c.getBytesContentsCount();
        int taken = switch (into.type()) {
            case BOOL -> {
                c.getBoolContentsList().forEach(into::putBool);
                yield c.getBoolContentsCount();
            }
            case INT8, INT16, INT32 -> {
                for (int i = 0; i < c.getIntContentsCount(); i++) {
                    into.putLong(c.getIntContents(i));
                }
                yield c.getIntContentsCount();
            }
            case INT64 -> {
                for (int i = 0; i < c.getInt64ContentsCount(); i++) {
                    into.putLong(c.getInt64Contents(i));
                }
                yield c.getInt64ContentsCount();
            }
            case UINT8, UINT16, UINT32 -> {
                for (int i = 0; i < c.getUintContentsCount(); i++) {
                    into.putLong(Integer.toUnsignedLong(c.getUintContents(i)));
                }
                yield c.getUintContentsCount();
            }
            case FP32 -> {
                for (int i = 0; i < c.getFp32ContentsCount(); i++) {
                    into.putDouble(c.getFp32Contents(i));
                }
                yield c.getFp32ContentsCount();
            }
            case FP64 -> {
                for (int i = 0; i < c.getFp64ContentsCount(); i++) {
                    into.putDouble(c.getFp64Contents(i));
                }
                yield c.getFp64ContentsCount();
            }
            case BYTES -> {
                for (int i = 0; i < c.getBytesContentsCount(); i++) {
                    into.putString(c.getBytesContents(i).toStringUtf8());
                }
                yield c.getBytesContentsCount();
            }
            case FP16 -> throw ApiException.badRequest("input '" + into.name()
                    + "': FP16 has no typed contents; send it in raw_input_contents");
            case UINT64 -> 0; // InputTensor already refused the type
        };
        if (taken != all) {
            throw ApiException.badRequest("input '" + into.name() + "': " + into.type() + " values go in "
                    + field(into.type()) + ", and " + (all - taken) + " values are in other fields of contents");
        }
    }

    private static String field(Datatype type) {
        return switch (type) {
            case BOOL -> "bool_contents";
            case INT8, INT16, INT32 -> "int_contents";
            case INT64 -> "int64_contents";
            case UINT8, UINT16, UINT32 -> "uint_contents";
            case UINT64 -> "uint64_contents";
            case FP32 -> "fp32_contents";
            case FP64 -> "fp64_contents";
            case BYTES -> "bytes_contents";
            case FP16 -> "raw_input_contents";
        };
    }

    /**
     * The response: raw contents when {@code raw} (what Triton always sends) or when an output is
     * FP16, which has no typed field (the protocol has one form per response); else typed contents.
     */
    static ModelInferResponse response(String model, String version, String id, List<OutputValue> outputs, boolean raw) {
        boolean useRaw = raw || outputs.stream().anyMatch(o -> o.datatype() == Datatype.FP16 && !o.isZipMap());
        ModelInferResponse.Builder b = ModelInferResponse.newBuilder().setModelName(model).setModelVersion(version);
        if (id != null) {
            b.setId(id);
        }
        for (OutputValue out : outputs) {
            ModelInferResponse.InferOutputTensor.Builder t = ModelInferResponse.InferOutputTensor.newBuilder()
                    .setName(out.name()).setDatatype(out.datatype().name());
            for (long d : out.shape()) {
                t.addShape(d);
            }
            if (out.isZipMap()) {
                t.putParameters("content_type", InferParameter.newBuilder().setStringParam("application/json").build());
            }
            if (useRaw) {
                int fixed = out.fixedRawBytes();
                ByteBuf bytes = Unpooled.buffer(fixed >= 0 ? fixed : 64 * Math.max(out.size(), 1));
                out.writeRaw(bytes);
                b.addRawOutputContents(UnsafeByteOperations.unsafeWrap(bytes.array(), bytes.arrayOffset(),
                        bytes.writerIndex()));
            } else {
                t.setContents(typed(out));
            }
            b.addOutputs(t);
        }
        return b.build();
    }

    private static InferTensorContents typed(OutputValue out) {
        InferTensorContents.Builder c = InferTensorContents.newBuilder();
        int n = out.size();
        if (out.isZipMap() || out.datatype() == Datatype.BYTES) {
            for (int i = 0; i < n; i++) {
                c.addBytesContents(ByteString.copyFromUtf8(out.textAt(i)));
            }
            return c.build();
        }
        for (int i = 0; i < n; i++) {
            switch (out.datatype()) {
                case BOOL -> c.addBoolContents(out.integerAt(i) != 0);
                case INT8, INT16, INT32 -> c.addIntContents((int) out.integerAt(i));
                case INT64 -> c.addInt64Contents(out.integerAt(i));
                case UINT8, UINT16, UINT32 -> c.addUintContents((int) out.integerAt(i));
                case UINT64 -> c.addUint64Contents(out.integerAt(i));
                case FP32 -> c.addFp32Contents((float) out.floatingAt(i));
                case FP64 -> c.addFp64Contents(out.floatingAt(i));
                default -> throw new IllegalStateException(out.datatype() + " has no typed contents");
            }
        }
        return c.build();
    }
}
