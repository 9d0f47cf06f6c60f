package io.rtml.deployer.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtml.deployment.WholeNumbers;
import io.rtml.deployer.rollout.VersionFigures;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** A node's answer with a fraction where a version or a count belongs is refused, not truncated. */
class NodeStateTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aStateWithAFractionalVersionIsRefused() {
        assertThatThrownBy(() -> NodeState.from(JSON.readTree(
                "{\"services\":[{\"service\":\"s\",\"activeVersion\":2.5,\"versions\":[{\"version\":2}]}]}")))
                .isInstanceOf(WholeNumbers.NotAWholeNumberException.class)
                .hasMessage("'activeVersion' must be a whole number, got 2.5");
        assertThatThrownBy(() -> NodeState.from(JSON.readTree(
                "{\"services\":[{\"service\":\"s\",\"activeVersion\":2,\"versions\":[{\"version\":2.0}]}]}")))
                .hasMessageContaining("'version'");
        assertThat(NodeState.from(JSON.readTree(
                "{\"services\":[{\"service\":\"s\",\"activeVersion\":2,\"versions\":[{\"version\":2}]}]}"))
                .activeVersion("s")).isEqualTo(2);
    }

    @Test
    void telemetryWithAFractionalCountIsRefused() {
        assertThatThrownBy(() -> VersionFigures.of(JSON.readTree("{\"services\":[{\"service\":\"s\",\"versions\":"
                + "[{\"version\":1,\"telemetry\":{\"requests\":{\"ok\":10.5}}}]}]}"), "s", 1))
                .hasMessage("'ok' must be a whole number, got 10.5");
    }
}
