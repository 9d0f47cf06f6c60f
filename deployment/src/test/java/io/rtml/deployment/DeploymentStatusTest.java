package io.rtml.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 10: a status that nothing can set must not be offered to users. Every final status
 * is one a deployment really ends in, as the README's deployments row lists them.
 */
class DeploymentStatusTest {

    @Test
    void everyFinalStatusIsAnOutcomeTheReadmeNames() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        String statusRow = readme.lines().filter(l -> l.contains("GET /services/{name}/deployments")).findFirst()
                .orElseThrow();
        List<DeploymentStatus> finals = Arrays.stream(DeploymentStatus.values()).filter(DeploymentStatus::isFinal)
                .toList();

        assertThat(finals).containsExactly(DeploymentStatus.SUCCEEDED, DeploymentStatus.FAILED,
                DeploymentStatus.ROLLED_BACK);
        assertThat(finals).allSatisfy(s -> assertThat(statusRow).contains(s.name()));
    }

    @Test
    void theCliDocsNameOnlyStatusesThatExist() throws IOException {
        String cliDocs = Files.readString(Path.of("..", "docs", "cli.md"));
        assertThat(cliDocs).doesNotContain("SUPERSEDED");
    }
}
