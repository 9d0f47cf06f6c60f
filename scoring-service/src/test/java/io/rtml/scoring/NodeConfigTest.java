package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeConfigTest {

    @Test
    void defaultsAndEnvironmentNames() {
        NodeConfig c = NodeConfig.load(key -> null);
        assertThat(c.nodeKind()).isEqualTo("HUB");
        assertThat(c.port()).isEqualTo(8090);
        assertThat(c.maxBodyBytes()).isEqualTo(16 * 1024 * 1024);
        assertThat(c.standbyVersions()).isEqualTo(2);
        assertThat(c.maxBatchRows()).isEqualTo(32);
        assertThat(c.dataDir()).isEqualTo(Path.of("data/scoring"));
        assertThat(NodeConfig.envName("rtml.scoring.node.name")).isEqualTo("RTML_SCORING_NODE_NAME");
        assertThat(NodeConfig.envName("rtml.scoring.max-body-bytes")).isEqualTo("RTML_SCORING_MAX_BODY_BYTES");
        assertThat(c.registry()).as("no desired-state fetch unless a registry URL is set").isNull();
        assertThat(NodeConfig.envName("rtml.scoring.registry.url")).isEqualTo("RTML_SCORING_REGISTRY_URL");
    }

    @Test
    void registryLinkTargetsThisNodeByDefaultAndNeverPrintsItsToken() {
        NodeConfig c = NodeConfig.load(Map.of("rtml.scoring.node.name", "edge-eu",
                "rtml.scoring.registry.url", "http://registry:8080/", "rtml.scoring.registry.token", "rtml_s3cret")::get);
        assertThat(c.registry().url()).hasToString("http://registry:8080");
        assertThat(c.registry().target()).isEqualTo("edge-eu");
        assertThat(c.toString()).doesNotContain("rtml_s3cret").contains("registry=http://registry:8080 target=edge-eu");
        NodeConfig other = NodeConfig.load(Map.of("rtml.scoring.registry.url", "https://r.example",
                "rtml.scoring.registry.target", "edge-eu-2")::get);
        assertThat(other.registry().target()).isEqualTo("edge-eu-2");
        assertThat(other.registry().token()).isNull();
        assertThatThrownBy(() -> NodeConfig.load(Map.of("rtml.scoring.registry.url", "registry:8080")::get))
                .hasMessageContaining("RTML_SCORING_REGISTRY_URL");
    }

    @Test
    void theNodeCredentialIsBothTheAdminTokenAndTheRegistryToken() {
        NodeConfig c = NodeConfig.load(Map.of("rtml.scoring.registry.url", "http://registry:8080",
                "rtml.scoring.admin-token", "rtml_node_abc")::get);
        assertThat(c.registry().token()).isEqualTo("rtml_node_abc");
        assertThat(c.toString()).doesNotContain("rtml_node_abc");
    }

    @Test
    void rejectsBadValuesAndNeverPrintsTheToken() {
        assertThatThrownBy(() -> NodeConfig.load(Map.of("rtml.scoring.node.kind", "CLOUD")::get))
                .hasMessageContaining("HUB or EDGE");
        assertThatThrownBy(() -> NodeConfig.load(Map.of("rtml.scoring.port", "http")::get))
                .hasMessageContaining("RTML_SCORING_PORT");
        assertThatThrownBy(() -> NodeConfig.load(Map.of("rtml.scoring.max-batch-rows", "0")::get))
                .hasMessageContaining("maxBatchRows=0");
        NodeConfig c = NodeConfig.load(Map.of("rtml.scoring.admin-token", "s3cret", "rtml.scoring.node.kind", "edge")::get);
        assertThat(c.nodeKind()).isEqualTo("EDGE");
        assertThat(c.toString()).doesNotContain("s3cret").contains("adminToken=set");
    }

    @Test
    void requestLimitsDeriveFromTheBodyLimitAndTheAdminApiSharesThePortByDefault() {
        NodeConfig c = NodeConfig.load(Map.of("rtml.scoring.max-body-bytes", "1048576")::get);
        assertThat(c.maxTensorBytes()).isEqualTo(4L * 1048576);
        assertThat(c.maxUnfinishedBodyBytes()).isEqualTo(4L * 1048576);
        assertThat(c.readIdleTimeout()).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(c.requestTimeout()).isEqualTo(java.time.Duration.ofSeconds(60));
        assertThat(c.adminPort()).isEqualTo(NodeConfig.SAME_PORT);
        assertThat(NodeConfig.load(Map.of("rtml.scoring.admin-port", "8190")::get).adminPort()).isEqualTo(8190);
        assertThatThrownBy(() -> NodeConfig.load(Map.of("rtml.scoring.admin-port", "8090")::get))
                .hasMessageContaining("invalid scoring node configuration");
        assertThatThrownBy(() -> NodeConfig.load(Map.of("rtml.scoring.read-idle-timeout-millis", "0")::get))
                .hasMessageContaining("invalid scoring node configuration");
    }

    @Test
    void grpcIsOffUnlessItsPortIsSetAndNeverSharesAPort() {
        NodeConfig off = NodeConfig.load(key -> null);
        assertThat(off.grpcPort()).isEqualTo(NodeConfig.NO_GRPC);
        assertThat(off.toString()).contains("grpcPort=off");
        assertThat(NodeConfig.load(Map.of("RTML_SCORING_GRPC_PORT", "8001")::get).grpcPort())
                .as("only the property form goes through this lookup").isEqualTo(NodeConfig.NO_GRPC);
        assertThat(NodeConfig.envName("rtml.scoring.grpc-port")).isEqualTo("RTML_SCORING_GRPC_PORT");
        assertThat(NodeConfig.load(Map.of("rtml.scoring.grpc-port", "8001")::get).grpcPort()).isEqualTo(8001);
        assertThatThrownBy(() -> NodeConfig.load(Map.of("rtml.scoring.grpc-port", "8090")::get))
                .hasMessageContaining("invalid scoring node configuration");
        assertThatThrownBy(() -> NodeConfig.load(Map.of("rtml.scoring.grpc-port", "8190",
                "rtml.scoring.admin-port", "8190")::get)).hasMessageContaining("invalid scoring node configuration");
        assertThatThrownBy(() -> NodeConfig.load(Map.of("rtml.scoring.grpc-port", "65536")::get))
                .hasMessageContaining("invalid scoring node configuration");
        assertThatThrownBy(() -> NodeConfig.load(Map.of("rtml.scoring.grpc-port", "grpc")::get))
                .hasMessageContaining("RTML_SCORING_GRPC_PORT");
    }

    @Test
    void grpcResetBoundIsOnAndConnectionAgeOffByDefault() {
        NodeConfig.GrpcLimits d = NodeConfig.load(key -> null).grpc();
        assertThat(d.maxResetsPerWindow()).isEqualTo(200);
        assertThat(d.resetWindow()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.maxConnectionAge()).isZero();
        assertThat(d.maxConnectionAgeGrace()).isEqualTo(Duration.ofMinutes(1));
        NodeConfig.GrpcLimits set = NodeConfig.load(Map.of("rtml.scoring.grpc.max-resets-per-window", "0",
                "rtml.scoring.grpc.reset-window-seconds", "5",
                "rtml.scoring.grpc.max-connection-age-millis", "900000",
                "rtml.scoring.grpc.max-connection-age-grace-millis", "0")::get).grpc();
        assertThat(set.maxResetsPerWindow()).as("0 = no bound").isZero();
        assertThat(set.resetWindow()).isEqualTo(Duration.ofSeconds(5));
        assertThat(set.maxConnectionAge()).isEqualTo(Duration.ofMinutes(15));
        assertThat(set.maxConnectionAgeGrace()).isZero();
        for (Map<String, String> bad : java.util.List.of(Map.of("rtml.scoring.grpc.max-resets-per-window", "-1"),
                Map.of("rtml.scoring.grpc.reset-window-seconds", "0"),
                Map.of("rtml.scoring.grpc.max-connection-age-millis", "-1"),
                Map.of("rtml.scoring.grpc.max-connection-age-grace-millis", "-1"))) {
            assertThatThrownBy(() -> NodeConfig.load(bad::get)).as(bad.toString())
                    .hasMessageContaining("invalid scoring node configuration");
        }
    }

    @Test
    void slowModelSettingsHaveDefaultsAndRejectNonsense() {
        NodeConfig c = NodeConfig.load(key -> null);
        assertThat(c.inlineMaxMicros()).isEqualTo(2000);
        assertThat(c.modelThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(c.modelQueue()).isEqualTo(256);
        assertThat(NodeConfig.envName("rtml.scoring.inline-max-micros")).isEqualTo("RTML_SCORING_INLINE_MAX_MICROS");
        NodeConfig set = NodeConfig.load(Map.of("rtml.scoring.inline-max-micros", "0", "rtml.scoring.model-threads", "3",
                "rtml.scoring.model-queue", "7")::get);
        assertThat(set.inlineMaxMicros()).isZero();
        assertThat(set.modelThreads()).isEqualTo(3);
        assertThat(set.modelQueue()).isEqualTo(7);
        assertThatThrownBy(() -> NodeConfig.load(Map.of("rtml.scoring.model-queue", "0")::get))
                .hasMessageContaining("invalid scoring node configuration");
        assertThatThrownBy(() -> NodeConfig.load(Map.of("rtml.scoring.model-threads", "0")::get))
                .hasMessageContaining("invalid scoring node configuration");
        assertThatThrownBy(() -> NodeConfig.load(Map.of("rtml.scoring.inline-max-micros", "-1")::get))
                .hasMessageContaining("invalid scoring node configuration");
    }
}
