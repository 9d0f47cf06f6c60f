package io.rtml.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code rtml webhooks create|list|delete}: URLs that receive the registry's events, signed. */
@Command(name = "webhooks", mixinStandardHelpOptions = true,
        description = "Create, list and delete webhooks (signed event deliveries; admin only).",
        subcommands = {WebhooksCommand.Create.class, WebhooksCommand.ListWebhooks.class, WebhooksCommand.Delete.class})
final class WebhooksCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a webhook; prints its signing secret, which is never shown again.")
    static final class Create extends ApiCommand {

        @Parameters(paramLabel = "URL")
        String url;

        @Option(names = "--events", split = ",", paramLabel = "TYPE",
                description = "Event types to deliver, comma-separated (default: every type).")
        List<String> events = new ArrayList<>();

        @Option(names = "--secret", paramLabel = "SECRET",
                description = "The signing secret (24-256 characters; default: a random one).")
        String secret;

        @Option(names = "--description", paramLabel = "TEXT")
        String description;

        @Override
        int run() {
            ObjectNode body = Json.object().put("url", url).put("secret", secret).put("description", description);
            ArrayNode types = body.putArray("eventTypes");
            events.forEach(types::add);
            JsonNode created = client().post("/api/v1/webhooks", body).json();
            if (json()) {
                printJson(created);
                return ExitCodes.OK;
            }
            JsonNode hook = created.path("webhook");
            out().println("Created webhook " + Json.text(hook, "id") + " for " + Json.text(hook, "url") + " ("
                    + typesOf(hook) + ")");
            out().println("Signing secret (shown once, keep it): " + Json.text(created, "secret"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every webhook with its event types and how its deliveries stand.")
    static final class ListWebhooks extends ApiCommand {

        @Override
        int run() {
            JsonNode hooks = client().get("/api/v1/webhooks");
            if (json()) {
                printJson(hooks);
                return ExitCodes.OK;
            }
            Table table = new Table("ID", "URL", "EVENTS", "PENDING", "DELIVERED", "FAILED");
            for (JsonNode h : hooks) {
                JsonNode d = h.path("deliveries");
                table.row(Json.text(h, "id"), Json.text(h, "url"), typesOf(h), Json.text(d, "pending"),
                        Json.text(d, "delivered"), Json.text(d, "failed"));
            }
            table.print(out());
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a webhook; its pending deliveries are dropped.")
    static final class Delete extends ApiCommand {

        @Parameters(paramLabel = "ID")
        long id;

        @Override
        int run() {
            client().delete("/api/v1/webhooks/" + id);
            if (!json()) {
                out().println("Deleted webhook " + id);
            }
            return ExitCodes.OK;
        }
    }

    private static String typesOf(JsonNode hook) {
        List<String> types = VersionsCommand.strings(hook.path("eventTypes"));
        return types.isEmpty() ? "all events" : String.join(",", types);
    }
}
