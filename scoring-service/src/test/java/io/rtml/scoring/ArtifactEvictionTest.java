package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * With a budget of 0 the artifact cache keeps exactly the files of the versions loaded, active or
 * standby: a version trimmed from standby or unloaded loses its file at once. Before, the cache
 * never deleted anything.
 */
@OneNodeTest.NodeSettings({"rtml.scoring.artifact-cache-mib=0", "rtml.scoring.standby-versions=1"})
class ArtifactEvictionTest extends OneNodeTest {

    @Test
    void keepsTheFilesOfActiveAndStandbyVersionsAndEvictsTheRest() throws IOException {
        ReferenceModel first = ReferenceModels.named("xgboost_regressor");
        ReferenceModel second = ReferenceModels.named("sklearn_tree_regressor_fp64");
        ReferenceModel third = ReferenceModels.named("sklearn_rf_iris_zipmap");

        node.deploy(artifacts, "evict", 1, first, null);
        assertThat(cached()).containsExactly(first.sha256());

        node.deploy(artifacts, "evict", 2, second, null);
        assertThat(cached()).as("v1 is standby").containsExactlyInAnyOrder(first.sha256(), second.sha256());

        node.deploy(artifacts, "evict", 3, third, null);
        assertThat(cached()).as("v1 left standby").containsExactlyInAnyOrder(second.sha256(), third.sha256());

        assertThat(node.unload("evict", 2).status()).isEqualTo(200);
        assertThat(cached()).as("v2 unloaded").containsExactly(third.sha256());
    }

    /** The sha-256 of every file in the node's artifact cache. */
    private static Set<String> cached() throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("artifacts"))) {
            return files.map(p -> p.getFileName().toString()).map(n -> n.replace(".onnx", "")).collect(Collectors.toSet());
        }
    }
}
