package io.rtml.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** {@code rtml events [--after ID] [--type T]}: the registry's event log, oldest first. */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = "The event log after an event id, oldest first; the last line says where to go on from.")
final class EventsCommand extends ApiCommand {

    @Option(names = "--after", paramLabel = "ID", description = "Only events after this id (default: 0, all).")
    long after;

    @Option(names = "--limit", paramLabel = "N", description = "At most this many events (default: the registry's page size).")
    Integer limit;

    @Option(names = "--type", split = ",", paramLabel = "TYPE", description = "Only these event types (comma-separated).")
    List<String> types = new ArrayList<>();

    @Override
    int run() {
        JsonNode page = client().get("/api/v1/events" + RegistryClient.query("after", after, "limit", limit,
                "types", types.isEmpty() ? null : String.join(",", types)));
        if (json()) {
            printJson(page);
            return ExitCodes.OK;
        }
        Table table = new Table("ID", "TYPE", "SUBJECT", "ACTOR", "OCCURRED", "DATA");
        for (JsonNode e : page.path("events")) {
            JsonNode subject = e.path("subject");
            table.row(Json.text(e, "id"), Json.text(e, "type"), Json.text(subject, "kind") + ":" + Json.text(subject, "name"),
                    Json.text(e, "actor"), Json.text(e, "occurredAt"), Json.compact(e.path("data")));
        }
        if (table.isEmpty()) {
            out().println("No events after " + after + ".");
        } else {
            table.print(out());
        }
        out().println("Next: rtml events --after " + Json.text(page, "next"));
        return ExitCodes.OK;
    }
}
