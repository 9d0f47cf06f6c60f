package io.rtml.scoring.oip;

import io.rtml.scoring.http.ApiException;
import io.rtml.scoring.runtime.Inference.Feed;
import io.rtml.scoring.runtime.Signature;
import io.rtml.scoring.runtime.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Checks a parsed request against the model's signature before ONNX Runtime sees it, so that
 * every mistake a caller can make comes back as a 400 that names the input and says what is wrong.
 */
final class InferValidator {

    private InferValidator() {}

    /** The request's inputs as feeds in the model's input order (the order merged runs line them up in). */
    static List<Feed> feeds(InferRequest request, Signature signature) {
        Feed[] feeds = new Feed[signature.inputs().size()];
        for (InferRequest.Input in : request.inputs()) {
            int index = signature.inputIndex(in.name());
            if (index < 0) {
                throw ApiException.badRequest("unknown input '" + in.name() + "'; the model takes "
                        + names(signature.inputs()));
            }
            if (feeds[index] != null) {
                throw ApiException.badRequest("input '" + in.name() + "' is given twice");
            }
            TensorSpec spec = signature.inputs().get(index);
            if (in.datatype() != spec.datatype()) {
                throw ApiException.badRequest("input '" + in.name() + "': datatype " + in.datatype()
                        + " does not match the model's " + spec.datatype());
            }
            checkShape(in, spec);
            feeds[index] = new Feed(in.tensor(), in.shape());
        }
        for (int i = 0; i < feeds.length; i++) {
            if (feeds[i] == null) {
                TensorSpec spec = signature.inputs().get(i);
                throw ApiException.badRequest("missing input '" + spec.name() + "' (" + spec + ")");
            }
        }
        return Arrays.asList(feeds);
    }

    static List<String> outputs(InferRequest request, Signature signature) {
        if (request.outputs() == null || request.outputs().isEmpty()) {
            return null;
        }
        for (String name : request.outputs()) {
            if (signature.output(name) == null) {
                throw ApiException.badRequest("unknown output '" + name + "'; the model returns "
                        + names(signature.outputs()));
            }
        }
        return new ArrayList<>(new LinkedHashSet<>(request.outputs()));
    }

    private static void checkShape(InferRequest.Input in, TensorSpec spec) {
        long[] shape = in.shape();
        if (shape.length != spec.rank()) {
            throw ApiException.badRequest("input '" + in.name() + "': shape " + Arrays.toString(shape)
                    + " does not match the model's " + Arrays.toString(spec.shape()));
        }
        for (int i = 0; i < shape.length; i++) {
            if (spec.dim(i) >= 0 && spec.dim(i) != shape[i]) {
                throw ApiException.badRequest("input '" + in.name() + "': shape " + Arrays.toString(shape)
                        + " does not match the model's " + Arrays.toString(spec.shape()));
            }
        }
        long expected = InferRequestReader.product(shape);
        if (expected != in.tensor().count()) {
            throw ApiException.badRequest("input '" + in.name() + "': shape " + Arrays.toString(shape)
                    + " needs " + expected + " values, data has " + in.tensor().count());
        }
    }

    private static List<String> names(List<TensorSpec> specs) {
        return specs.stream().map(TensorSpec::name).toList();
    }
}
