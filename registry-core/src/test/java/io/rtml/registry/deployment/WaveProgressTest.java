package io.rtml.registry.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.deployment.TargetDeploymentStatus;
import io.rtml.deployment.WavePlan;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A wave's counts take the targets of that wave: targets carry their wave 1-based, as the API shows it. */
class WaveProgressTest {

    @Test
    void eachWaveCountsItsOwnTargets() {
        WavePlan plan = new WavePlan(List.of(new WavePlan.Wave("kind=hub", null, null), new WavePlan.Wave(null, 100, null)),
                0, 0, WavePlan.CONVERGE);
        List<DeploymentResponse.TargetProgress> targets = List.of(
                target("hub", TargetDeploymentStatus.ACTIVE, 1),
                target("edge-eu", TargetDeploymentStatus.ACTIVE, 2),
                target("edge-us", TargetDeploymentStatus.PENDING, 2));

        List<DeploymentResponse.WaveProgress> waves = DeploymentResponse.WaveProgress.of(plan, targets, java.util.Map.of());

        assertThat(waves).extracting(DeploymentResponse.WaveProgress::targets).containsExactly(1, 2);
        assertThat(waves).extracting(DeploymentResponse.WaveProgress::active).containsExactly(1, 1);
        assertThat(waves).extracting(DeploymentResponse.WaveProgress::pending).containsExactly(0, 1);
    }

    private static DeploymentResponse.TargetProgress target(String name, TargetDeploymentStatus status, int wave) {
        return new DeploymentResponse.TargetProgress(name, status, 1, null, null, null, null, wave, null);
    }
}
