package io.rtml.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fraction where a whole number belongs, in an answer the CLI reads (from a server that is not a
 * well-behaved registry), ends the command with a non-zero exit and one readable line instead of
 * being truncated into the output.
 */
class WholeNumberAnswerTest {

    @TempDir
    Path home;

    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/models/m/versions/1", exchange -> {
            byte[] body = ("{\"model\":\"m\",\"version\":1,\"sizeBytes\":12.5,\"sha256\":\"ab\",\"tags\":{},"
                    + "\"aliases\":[]}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aFractionalSizeInAnAnswerIsRefusedWithOneLine() {
        Cli.Result show = new Cli(home).env("RTML_URL", "http://127.0.0.1:" + server.getAddress().getPort())
                .env("RTML_TOKEN", "rtml_whatever").run("versions", "show", "m", "1");

        assertThat(show.exitCode()).as(show.toString()).isNotZero();
        assertThat(show.err().strip()).as(show.toString()).doesNotContain("\n").contains("12.5", "'sizeBytes'",
                "whole number");
        assertThat(show.out()).doesNotContain("12 B");
    }

    @Test
    void theCliMapperRefusesAFractionForAnIntField() {
        record Step(int step) {}
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Json.MAPPER.readValue("{\"step\":1.5}", Step.class))
                .hasMessageContaining("1.5");
        assertThat(Json.MAPPER.readValue("{\"step\":2}", Step.class).step()).isEqualTo(2);
    }
}
