package io.rtml.cli;

import static io.rtml.cli.RegistryClient.segment;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code rtml predict}: sends records to a service on one scoring node through the node's records
 * API. The registry only tells where the node is; the registry token is never sent to the node.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Send records (a JSON array of objects, or {\"records\": [...]}) to a service on a target.")
final class PredictCommand extends ApiCommand {

    @Parameters(paramLabel = "SERVICE")
    String service;

    @Option(names = "--target", required = true, paramLabel = "TARGET", description = "The target (scoring node) to ask.")
    String target;

    @Option(names = "--records", required = true, paramLabel = "FILE|-", description = "JSON file, or - for stdin.")
    String records;

    @Override
    int run() throws IOException {
        JsonNode body = Json.object().set("records", readRecords());
        JsonNode node = client().get("/api/v1/targets/" + segment(target));
        String baseUrl = Json.text(node, "baseUrl");
        URI uri = URI.create(baseUrl.replaceAll("/+$", "") + "/v1/services/" + segment(service) + "/predict");
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .header("User-Agent", RegistryClient.USER_AGENT)
                .POST(HttpRequest.BodyPublishers.ofString(Json.compact(body))).build();
        RegistryClient.Response response = RegistryClient.send(RegistryClient.newHttpClient(), request,
                "target '" + target + "' at " + baseUrl);
        if (response.status() >= 400) {
            throw new CliException(ExitCodes.forStatus(response.status()), "target '" + target + "' refused the records: "
                    + RegistryClient.problemLine(response) + " (HTTP " + response.status() + ")");
        }
        JsonNode answer = response.json();
        if (json()) {
            printJson(answer);
            return ExitCodes.OK;
        }
        print(answer);
        return ExitCodes.OK;
    }

    private JsonNode readRecords() throws IOException {
        String text;
        if (records.equals("-")) {
            InputStream stdin = environment().stdin();
            text = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
        } else {
            Path file = Path.of(records);
            if (!Files.isReadable(file)) {
                throw CliException.usage("cannot read records file " + file);
            }
            text = Files.readString(file);
        }
        JsonNode parsed;
        try {
            parsed = Json.MAPPER.readTree(text);
        } catch (RuntimeException e) {
            throw CliException.usage("records are not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        JsonNode array = parsed != null && parsed.isObject() ? parsed.get("records") : parsed;
        if (array == null || !array.isArray()) {
            throw CliException.usage("records must be a JSON array of objects, or an object with \"records\": [...]");
        }
        for (JsonNode record : array) {
            if (!record.isObject()) {
                throw CliException.usage("every record must be a JSON object, got " + Json.compact(record));
            }
        }
        return array;
    }

    private void print(JsonNode answer) {
        JsonNode predictions = answer.path("predictions");
        out().println(Json.text(answer, "model") + " version " + Json.text(answer, "version") + " on " + target + ": "
                + predictions.size() + (predictions.size() == 1 ? " prediction" : " predictions"));
        Set<String> columns = new LinkedHashSet<>();
        predictions.forEach(p -> columns.addAll(p.propertyNames()));
        List<String> headers = new ArrayList<>(List.of("#"));
        headers.addAll(columns);
        Table table = new Table(headers.toArray(String[]::new));
        int i = 0;
        for (JsonNode p : predictions) {
            List<Object> row = new ArrayList<>(List.of(i++));
            columns.forEach(c -> row.add(Json.text(p, c)));
            table.row(row.toArray());
        }
        table.print(out());
    }
}
