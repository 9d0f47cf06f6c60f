package io.rtml.scoring.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.rtml.scoring.runtime.OutputValue;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The model floor: ONNX Runtime called in-process on the untouched model file with the node's
 * session options and one reused direct input tensor. Measured twice: run only (the floor), and
 * run plus reading every output through ONNX Runtime for Java's own API (for ZipMap the
 * sequence-of-maps read that the node avoids, see ZipMapRewrite).
 */
final class OrtFloor {

    record Floor(Load.Latency runOnly, Load.Latency runAndRead) {}

    private OrtFloor() {}

    static Floor measure(Path model, String input, float[] data, long[] shape, double seconds) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        OrtSession v = env.createSession(model.toString(), options);
        FloatBuffer buf = ByteBuffer.allocateDirect(data.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        buf.put(data).rewind();
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, buf, shape)) {
            Map<String, OnnxTensor> inputs = Map.of(input, tensor);
            Load.Latency runOnly = loop(v, inputs, false, seconds);
            Load.Latency runAndRead = loop(v, inputs, true, seconds);
            return new Floor(runOnly, runAndRead);
        } finally {
            v.close();
            options.close();
        }
    }

    private static Load.Latency loop(OrtSession v, Map<String, OnnxTensor> inputs, boolean read, double seconds)
            throws Exception {
        long warmEnd = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < warmEnd) {
            once(v, inputs, read);
        }
        Histogram h = new Histogram(60_000_000_000L, 3);
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end && h.getTotalCount() < 500_000) {
            long t0 = System.nanoTime();
            once(v, inputs, read);
            h.recordValue(System.nanoTime() - t0);
        }
        return new Load.Latency(h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getTotalCount());
    }

    private static void once(OrtSession v, Map<String, OnnxTensor> inputs, boolean read) throws Exception {
        try (OrtSession.Result r = v.run(inputs)) {
            if (read) {
                for (Map.Entry<String, OnnxValue> e : r) {
                    OutputValue.read(e.getKey(), e.getValue());
                }
            }
        }
    }
}
