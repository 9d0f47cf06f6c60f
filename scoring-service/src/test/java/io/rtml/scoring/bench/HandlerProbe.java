package io.rtml.scoring.bench;

import ai.onnxruntime.OnnxTensor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import io.rtml.scoring.oip.OipHandler;
import io.rtml.scoring.runtime.Inference;
import io.rtml.scoring.runtime.LoadedVersion;
import io.rtml.scoring.runtime.ModelLoader;
import io.rtml.scoring.runtime.NodeIdentity;
import io.rtml.scoring.runtime.Prediction;
import io.rtml.scoring.runtime.Services;
import io.rtml.testing.ReferenceModels;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Diagnostic: the OIP handler without the network (parse, run, write on one thread), back to back
 * versus right after a 50 µs sleep, plus ONNX Runtime alone the same two ways, and the bytes
 * allocated per request. Shows how much of the served latency is the cost of a cold core.
 * Args: a 4-feature FP32 model of the shared catalogue (default xgboost_regressor).
 */
public final class HandlerProbe {

    private interface Call {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        String name = args.length > 0 ? args[0] : "xgboost_regressor";
        var model = ReferenceModels.named(name);
        ModelLoader loader = new ModelLoader(1, Files.createTempDirectory("rtml-sessions"));
        LoadedVersion v = loader.load("svc", 1, null, model.sha256(), model.bytes(), model.file(), List.of());
        Services services = new Services();
        services.add(v);
        services.get("svc").activate(1, Instant.now());
        services.markReady();
        OipHandler oip = new OipHandler(services, new NodeIdentity("n", "HUB", "r"), 64L << 20); // the default budget
        Inference inference = new Inference(loader.environment());
        String input = model.reference().path("inputs").get(0).path("name").asString();
        ByteBuf body = Unpooled.directBuffer().writeBytes(("{\"inputs\":[{\"name\":\"" + input
                + "\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[6.75,2.69,6.47,1.1]}]}").getBytes(StandardCharsets.UTF_8));
        List<String> path = List.of("models", "svc", "infer");
        Call handler = () -> ((Prediction) oip.handle(HttpMethod.POST, path, body.duplicate(), ByteBufAllocator.DEFAULT))
                .run(inference).body().release();

        FloatBuffer x = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder()).asFloatBuffer();
        x.put(new float[] {6.75f, 2.69f, 6.47f, 1.1f}).rewind();
        try (OnnxTensor tensor = OnnxTensor.createTensor(loader.environment(), x, new long[] {1, 4})) {
            Call ort = () -> v.run(Map.of(input, tensor), null).close();
            for (int i = 0; i < 50_000; i++) {
                handler.run();
                ort.run();
            }
            var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10_000; i++) {
                handler.run();
            }
            System.out.printf("%s: %.0f bytes allocated per request%n", name,
                    (mx.getCurrentThreadAllocatedBytes() - before) / 10_000.0);
            report(name + " handler", handler);
            report(name + " ORT run only", ort);
        }
    }

    private static void report(String what, Call call) throws Exception {
        Histogram hot = new Histogram(3);
        Histogram cold = new Histogram(3);
        for (int i = 0; i < 40_000; i++) {
            boolean sleep = i % 2 == 0;
            if (sleep) {
                LockSupport.parkNanos(50_000);
            }
            long t0 = System.nanoTime();
            call.run();
            (sleep ? cold : hot).recordValue(System.nanoTime() - t0);
        }
        System.out.printf("%s: p50 %.1f us back to back, %.1f us right after a 50 us sleep%n", what,
                hot.getValueAtPercentile(50) / 1000.0, cold.getValueAtPercentile(50) / 1000.0);
    }
}
