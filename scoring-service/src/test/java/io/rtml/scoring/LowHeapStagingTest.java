package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.scoring.bench.EmbeddingModel;
import io.rtml.scoring.bench.NodeProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node stages a model twice as large as its heap: the weights go from the download to the disk
 * and from the disk to ONNX Runtime, never through the Java heap. Before, staging read the file
 * into a byte[] and copied it again, so this node died of OutOfMemoryError. The 1 GiB case at
 * -Xmx256m is the StagingMemoryBenchmark (docs/benchmarks.md); this is its affordable twin.
 */
class LowHeapStagingTest {

    @TempDir
    Path dir;

    @Test
    void aNodeWith128MiBOfHeapStagesAndServesA256MiBModel() throws Exception {
        EmbeddingModel model = EmbeddingModel.write(dir.resolve("embedding.onnx"), 256L << 20);

        try (NodeProcess node = NodeProcess.start(dir, "128m")) {
            NodeProcess.Answer staged = node.stage("embedding", 1, node.serve(model.file()), model.sha256(),
                    model.sizeBytes());
            assertThat(staged.status()).as(staged.body()).isEqualTo(200);
            assertThat(node.activate("embedding", 1).status()).isEqualTo(200);

            NodeProcess.Answer answer = node.infer("embedding", EmbeddingModel.inferBody(3, model.rows() - 1));

            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).contains("[3.0,3.0,3.0,3.0,3.0,3.0,3.0,3.0,3.0,3.0,3.0,3.0,3.0,3.0,3.0,3.0,"
                    + (float) (model.rows() - 1));
            assertThat(node.alive()).isTrue();
        }
    }
}
