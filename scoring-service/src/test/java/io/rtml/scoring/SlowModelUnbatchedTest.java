package io.rtml.scoring;

/** {@link SlowModelTest}'s scenarios on a node with dynamic batching off: the path without the batcher. */
@OneNodeTest.NodeSettings({"rtml.scoring.io-threads=1", "rtml.scoring.model-threads=1", "rtml.scoring.model-queue=1",
        "rtml.scoring.max-batch-rows=1"})
class SlowModelUnbatchedTest extends SlowModelTest {

    @Override
    boolean batching() {
        return false;
    }
}
