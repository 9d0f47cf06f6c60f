package io.rtml.scoring.runtime;

import ai.onnxruntime.OrtEnvironment;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a new session on an input built from its signature (dynamic dimensions as 1, zeros,
 * empty strings) and reads every output, so allocation and kernel selection happen at stage time.
 */
final class Warmup {

    private static final int RUNS = 3;

    private Warmup() {}

    static void run(OrtEnvironment env, LoadedVersion version) {
        List<InputTensor> inputs = new ArrayList<>();
        List<Inference.Feed> feeds = new ArrayList<>();
        try {
            for (TensorSpec spec : version.signature().inputs()) {
                long[] shape = spec.shape();
                int count = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = shape[i] < 0 ? 1 : shape[i];
                    count = Math.multiplyExact(count, (int) shape[i]);
                }
                InputTensor in = new InputTensor(spec.name(), spec.datatype(), UnpooledByteBufAllocator.DEFAULT, count);
                inputs.add(in);
                for (int i = 0; i < count; i++) {
                    fillZero(in, spec.datatype());
                }
                feeds.add(new Inference.Feed(in, shape));
            }
            Inference inference = new Inference(env);
            for (int i = 0; i < RUNS; i++) {
                inference.run(version, feeds, null);
            }
        } finally {
            inputs.forEach(InputTensor::close);
        }
    }

    private static void fillZero(InputTensor in, Datatype type) {
        switch (type) {
            case BYTES -> in.putString("");
            case BOOL -> in.putBool(false);
            default -> in.putLong(0);
        }
    }
}
