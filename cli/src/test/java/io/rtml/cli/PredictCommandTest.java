package io.rtml.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code rtml predict}: the target is looked up in the real registry; its base URL points at a
 * tiny JDK HTTP server that answers the records API the way a scoring node does. That server
 * stands in for a scoring node only in this CLI test, which checks what the CLI sends and prints.
 */
class PredictCommandTest {

    @TempDir
    Path home;

    HttpServer node;
    final List<String> requests = new CopyOnWriteArrayList<>();
    Cli cli;
    String target;

    @BeforeEach
    void startNode() throws IOException {
        node = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        node.createContext("/v1/services/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization") + " " + body);
            boolean known = exchange.getRequestURI().getPath().equals("/v1/services/titanic/predict");
            byte[] answer = (known
                    ? "{\"model\":\"titanic\",\"version\":\"3\",\"predictions\":[{\"output_label\":1,"
                            + "\"output_probability\":{\"0\":0.25,\"1\":0.75}},{\"output_label\":0,"
                            + "\"output_probability\":{\"0\":0.875,\"1\":0.125}}]}"
                    : "{\"error\":\"unknown service 'other'\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(known ? 200 : 404, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        node.start();
        cli = Cli.admin(home);
        target = RunningRegistry.createTarget(RunningRegistry.uniqueName("hub"), "HUB", "local",
                "http://127.0.0.1:" + node.getAddress().getPort());
    }

    @AfterEach
    void stopNode() {
        node.stop(0);
    }

    static final String RECORDS = "[{\"pclass\":1,\"sex\":\"female\",\"age\":29.0},{\"pclass\":3,\"sex\":\"male\",\"age\":40.0}]";

    @Test
    void recordsFromAFileArePostedToTheTargetsRecordsApi(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("records.json"), RECORDS);

        Cli.Result result = cli.run("predict", "titanic", "--target", target, "--records", file.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(requests).containsExactly("POST /v1/services/titanic/predict null {\"records\":" + RECORDS + "}");
        assertThat(result.out().lines().toList()).containsExactly(
                "titanic version 3 on " + target + ": 2 predictions",
                "#  output_label  output_probability",
                "0  1             {\"0\":0.25,\"1\":0.75}",
                "1  0             {\"0\":0.875,\"1\":0.125}");
    }

    @Test
    void recordsFromStdinMayBeWrappedAndJsonOutputIsTheNodesAnswer() {
        Cli.Result result = cli.runWithStdin("{\"records\":" + RECORDS + "}", "predict", "titanic", "--target", target,
                "--records", "-", "-o", "json");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(requests).singleElement().asString().endsWith(" {\"records\":" + RECORDS + "}");
        JsonNode answer = Json.parse(result.out(), "stdout");
        assertThat(answer.path("predictions")).hasSize(2);
        assertThat(answer.path("predictions").get(1).path("output_label").asInt()).isZero();
    }

    @Test
    void theNodesErrorIsOneLineWithTheExitCodeOfItsStatus() {
        Cli.Result result = cli.runWithStdin(RECORDS, "predict", "other", "--target", target, "--records", "-");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(result.err()).isEqualTo(
                "rtml: target '" + target + "' refused the records: unknown service 'other' (HTTP 404)\n");
    }

    @Test
    void recordsThatAreNotObjectsAreAUsageErrorAndNothingIsSent() {
        Cli.Result result = cli.runWithStdin("{\"rows\": []}", "predict", "titanic", "--target", target, "--records", "-");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).startsWith("rtml: records must be a JSON array of objects");
        assertThat(requests).isEmpty();
    }

    @Test
    void anUnknownTargetIsNotFound() {
        Cli.Result result = cli.runWithStdin(RECORDS, "predict", "titanic", "--target", "nowhere", "--records", "-");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(result.err()).endsWith("(TARGET_NOT_FOUND)\n");
        assertThat(requests).isEmpty();
    }
}
