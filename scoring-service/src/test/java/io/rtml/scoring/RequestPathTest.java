package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * The path is decoded once and must be in canonical form, so that what a proxy in front of the
 * node matches (e.g. a rule that keeps {@code /admin/} off the internet) is what the node routes.
 */
class RequestPathTest extends OneNodeTest {

    @BeforeAll
    static void deployIris() {
        node.deploy(artifacts, "iris", 1, BadInputTest.model("sklearn_rf_iris_zipmap"), List.of("sl", "sw", "pl", "pw"));
    }

    @AfterEach
    void nodeStillPredicts() {
        NodeClient.Response r = node.client.post("/v2/models/iris/infer", BadInputTest.OK);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/v2/models/ir%ZZis/infer|malformed percent escape in the path at '%ZZ'",
        "/v2/health/live%|malformed percent escape in the path at '%'",
        "/v2/health/live%4|malformed percent escape in the path at '%4'",
        "/v2/models/%C3%28|the path's percent escapes are not UTF-8",
        "/%61dmin/v1/state|the path is not in canonical form: it has '%61', an escape of 'a' that must be written as is",
        "//admin/v1/state|the path is not in canonical form: it has an empty segment ('//')",
        "/v2//admin/v1/state|the path is not in canonical form: it has an empty segment ('//')",
        "/v2/../admin/v1/state|the path is not in canonical form: it has a dot segment",
        "/v2/%2E%2E/admin/v1/state|the path is not in canonical form: it has '%2E', an escape of '.' that must be written as is",
        "/admin%2Fv1/state|the path is not in canonical form: it has '%2F', an escape of '/' that must be written as is",
    })
    void malformedOrNonCanonicalPathsAre400AndNeverReachTheAdminApi(String target, String message) {
        Logger router = (Logger) LoggerFactory.getLogger(RequestRouter.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        router.addAppender(events);
        try {
            String reply = RawHttp.get(node.node.port(), target, TestNode.TOKEN);
            assertThat(reply).startsWith("HTTP/1.1 400").contains("{\"error\":\"" + message + "\"}");
        } finally {
            router.detachAppender(events);
        }
        // A caller's mistake, not the node's: no stack trace at ERROR (it used to be a 500 with one).
        assertThat(events.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
    }

    @Test
    void theCanonicalAdminPathStillWorksOnTheSharedPort() {
        assertThat(RawHttp.get(node.node.port(), "/admin/v1/state", TestNode.TOKEN)).startsWith("HTTP/1.1 200");
    }

    @Test
    void escapesThatAreNeededStillDecode() {
        assertThat(RawHttp.get(node.node.port(), "/v2/models/ir%20is", null))
                .startsWith("HTTP/1.1 404").contains("unknown service 'ir is'");
        assertThat(RawHttp.get(node.node.port(), "/v2/models/iris/", null)).startsWith("HTTP/1.1 200");
    }
}
