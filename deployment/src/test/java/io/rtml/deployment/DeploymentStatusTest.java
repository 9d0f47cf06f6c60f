package io.rtml.deployment;

import static io.rtml.deployment.DeploymentStatus.ACTIVATING;
import static io.rtml.deployment.DeploymentStatus.FAILED;
import static io.rtml.deployment.DeploymentStatus.PENDING;
import static io.rtml.deployment.DeploymentStatus.ROLLED_BACK;
import static io.rtml.deployment.DeploymentStatus.ROLLING_OUT;
import static io.rtml.deployment.DeploymentStatus.STAGING;
import static io.rtml.deployment.DeploymentStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The state machine: its moves, the first move out of PENDING per kind, the in-flight set as bound
 * into SQL. Issue 13 item 10: a status that nothing can set must not be offered to users. Every
 * final status is one a deployment really ends in, as the README's deployments row lists them.
 */
class DeploymentStatusTest {

    @Test
    void aRollbackGoesStraightToActivatingEveryOtherKindStages() {
        assertThat(DeploymentStatus.next(DeploymentKind.DEPLOY)).isEqualTo(STAGING);
        assertThat(DeploymentStatus.next(DeploymentKind.UNDEPLOY)).isEqualTo(STAGING);
        assertThat(DeploymentStatus.next(DeploymentKind.ROLLBACK)).isEqualTo(ACTIVATING);
        assertThat(DeploymentKind.values()).allSatisfy(kind ->
                assertThat(PENDING.canMoveTo(DeploymentStatus.next(kind))).isTrue());
    }

    @Test
    void movesGoForwardOnlyAndEndInAFinalStatus() {
        assertThat(PENDING.canMoveTo(FAILED)).isTrue();
        assertThat(STAGING.canMoveTo(ACTIVATING)).isTrue();
        assertThat(STAGING.canMoveTo(FAILED)).isTrue();
        assertThat(ACTIVATING.canMoveTo(SUCCEEDED)).isTrue();
        assertThat(ACTIVATING.canMoveTo(ROLLED_BACK)).isTrue();
        assertThat(STAGING.canMoveTo(ROLLING_OUT)).isTrue();
        assertThat(ROLLING_OUT.canMoveTo(ACTIVATING)).as("promoted to 100%").isTrue();
        assertThat(ROLLING_OUT.canMoveTo(ROLLED_BACK)).as("a guardrail was crossed, or aborted").isTrue();
        assertThat(ROLLING_OUT.canMoveTo(SUCCEEDED)).as("only activation ends a rollout well").isFalse();
        assertThat(ROLLING_OUT.canMoveTo(FAILED)).as("waves aborted past their threshold, the switched ones reverted")
                .isTrue();
        assertThat(ROLLING_OUT.canMoveTo(DeploymentStatus.SHADOWED)).as("a shadow rollout's end").isTrue();
        assertThat(STAGING.canMoveTo(DeploymentStatus.SHADOWED)).isFalse();

        assertThat(STAGING.canMoveTo(PENDING)).isFalse();
        assertThat(ACTIVATING.canMoveTo(STAGING)).isFalse();
        assertThat(ACTIVATING.canMoveTo(FAILED)).as("something may have switched: it is rolled back").isFalse();
        assertThat(STAGING.canMoveTo(SUCCEEDED)).as("nothing was activated yet").isFalse();
        assertThat(PENDING.canMoveTo(SUCCEEDED)).isFalse();
        for (DeploymentStatus end : List.of(SUCCEEDED, FAILED, ROLLED_BACK, DeploymentStatus.SHADOWED)) {
            assertThat(DeploymentStatus.values()).noneMatch(end::canMoveTo);
        }
    }

    @Test
    void theInFlightSetIsWhatIsNotFinalAndIsBoundByName() {
        assertThat(DeploymentStatus.IN_FLIGHT).containsExactlyInAnyOrder(PENDING, STAGING, ROLLING_OUT, ACTIVATING);
        assertThat(DeploymentStatus.inFlightNames()).containsExactly("PENDING", "STAGING", "ROLLING_OUT", "ACTIVATING");
        assertThat(DeploymentStatus.IN_FLIGHT).noneMatch(DeploymentStatus::isFinal);
    }

    @Test
    void aDeploymentIsGivenUpOnTheClaimAfterItsLastAllowedAttempt() {
        Claimant claimant = new Claimant("d1", java.time.Duration.ofSeconds(10), 3);
        assertThat(claimant.exhausted(1)).isFalse();
        assertThat(claimant.exhausted(3)).isFalse();
        assertThat(claimant.exhausted(4)).isTrue();
    }

    @Test
    void everyFinalStatusIsAnOutcomeTheReadmeNames() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        String statusRow = readme.lines().filter(l -> l.contains("GET /services/{name}/deployments")).findFirst()
                .orElseThrow();
        List<DeploymentStatus> finals = Arrays.stream(DeploymentStatus.values()).filter(DeploymentStatus::isFinal)
                .toList();

        assertThat(finals).containsExactly(DeploymentStatus.SUCCEEDED, DeploymentStatus.FAILED,
                DeploymentStatus.ROLLED_BACK, DeploymentStatus.SHADOWED);
        assertThat(finals).allSatisfy(s -> assertThat(statusRow).contains(s.name()));
    }

    @Test
    void theCliDocsNameOnlyStatusesThatExist() throws IOException {
        String cliDocs = Files.readString(Path.of("..", "docs", "cli.md"));
        assertThat(cliDocs).doesNotContain("SUPERSEDED");
    }
}
