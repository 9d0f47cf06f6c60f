package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.rtml.scoring.desired.DesiredStateLoader;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A node that starts empty asks the registry for its desired state; when the registry cannot be
 * reached it must still start, ready and serving nothing, and say why in one line. (Loading from
 * a real registry is tested with the registry app in the local module: DesiredStateStartTest.)
 */
class DesiredStateTest {

    @TempDir
    Path dataDir;

    @Test
    void aNodeThatCannotReachTheRegistryStartsEmptyReadyAndSaysWhyOnce() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Logger logger = (Logger) LoggerFactory.getLogger(DesiredStateLoader.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try (TestNode node = TestNode.start(dataDir, Map.of("rtml.scoring.registry.url",
                "http://127.0.0.1:" + closedPort, "rtml.scoring.registry.token", "rtml_node_token"))) {
            assertThat(node.client.get("/v2/health/ready").status()).isEqualTo(200);
            assertThat(AdminApiTest.stateOf(node).path("services")).isEmpty();
            assertThat(node.client.post("/v2/models/anything/infer", AdminApiTest.IRIS_INFER).status()).isEqualTo(404);
        } finally {
            logger.detachAppender(lines);
        }
        assertThat(lines.list).hasSize(1);
        assertThat(lines.list.get(0).getLevel()).isEqualTo(Level.WARN);
        assertThat(lines.list.get(0).getFormattedMessage())
                .startsWith("desired state not loaded, starting empty until the deployer reconciles this node")
                .contains("127.0.0.1:" + closedPort + "/api/v1/targets/test-edge/desired-state unreachable")
                .doesNotContain("rtml_node_token");
    }
}
