package io.rtml.scoring.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * What staging a large model costs a node: generates an embedding model with the given weights,
 * starts a node JVM with the given heap limit, stages, activates and queries the model, and prints
 * one Markdown table row with the outcome, the time, the node's peak heap (largest occupancy a GC
 * found) and its resident set (peak, then anonymous and file-backed after staging).
 *
 * <p>Run: {@code ./mvnw -q -f scoring-service/pom.xml test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.rtml.scoring.bench.StagingMemoryBenchmark -Dexec.args="1024 256m"}
 * (weights in MiB, node heap).
 */
public final class StagingMemoryBenchmark {

    private StagingMemoryBenchmark() {}

    public static void main(String[] args) throws Exception {
        long weightMib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        String heap = args.length > 1 ? args[1] : "256m";
        Path dir = Files.createTempDirectory("rtml-staging-bench");
        try {
            EmbeddingModel model = EmbeddingModel.write(dir.resolve("embedding.onnx"), weightMib << 20);
            System.out.printf("model: %d bytes (%d rows x %d floats), node heap -Xmx%s, %s%n", model.sizeBytes(),
                    model.rows(), EmbeddingModel.WIDTH, heap, Instant.now());
            try (NodeProcess node = NodeProcess.start(dir, heap)) {
                long rssIdle = node.peakRssMib();
                long start = System.nanoTime();
                NodeProcess.Answer staged = node.stage("embedding", 1, node.serve(model.file()), model.sha256(),
                        model.sizeBytes());
                double seconds = (System.nanoTime() - start) / 1e9;
                String outcome = "stage HTTP " + staged.status();
                if (staged.status() == 200) {
                    node.activate("embedding", 1);
                    NodeProcess.Answer answer = node.infer("embedding", EmbeddingModel.inferBody(model.rows() - 1));
                    outcome += ", infer HTTP " + answer.status();
                } else {
                    outcome += " (" + staged.body().replace('|', '/') + ")";
                }
                System.out.println("| weights | node heap | outcome | stage s | peak heap before a GC (MiB) | GCs "
                        + "| peak RSS idle (MiB) | peak RSS (MiB) | RSS after |");
                System.out.println("|---|---|---|---|---|---|---|---|---|");
                System.out.printf("| %d MiB | -Xmx%s | %s | %.1f | %d | %d | %d | %d | %s |%n", weightMib, heap, outcome,
                        seconds, node.peakHeapBeforeGcMib(), node.gcCount(), rssIdle,
                        node.alive() ? node.peakRssMib() : -1, node.alive() ? node.rssNow() : "node exited");
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
