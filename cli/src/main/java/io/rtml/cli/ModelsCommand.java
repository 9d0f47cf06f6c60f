package io.rtml.cli;

import static io.rtml.cli.RegistryClient.query;
import static io.rtml.cli.RegistryClient.segment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code rtml models create|list|show|delete}. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "Create, list, show and delete registered models.",
        subcommands = {ModelsCommand.Create.class, ModelsCommand.ListModels.class, ModelsCommand.Show.class,
                ModelsCommand.Delete.class})
final class ModelsCommand {

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Register a model (no versions yet).")
    static final class Create extends ApiCommand {

        @Parameters(paramLabel = "NAME", description = "1-63 of a-z 0-9 - _ . starting with a letter or digit.")
        String name;

        @Option(names = "--description", paramLabel = "TEXT")
        String description;

        @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "A tag; repeat for more.")
        Map<String, String> tags;

        @Override
        int run() {
            ObjectNode body = Json.object().put("name", name).put("description", description);
            ObjectNode tagNode = body.putObject("tags");
            if (tags != null) {
                tags.forEach(tagNode::put);
            }
            JsonNode model = client().post("/api/v1/models", body).json();
            if (json()) {
                printJson(model);
            } else {
                out().println("Created model " + Json.text(model, "name"));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List models, in name order.")
    static final class ListModels extends ApiCommand {

        @Option(names = "--query", paramLabel = "TEXT", description = "Text in the name or description.")
        String query;

        @Option(names = "--tag", paramLabel = "KEY:VALUE", description = "Only models with this tag; repeat to AND them.")
        List<String> tags = new ArrayList<>();

        @Override
        int run() {
            JsonNode page = client().getAllPages("/api/v1/models" + query("query", query, "tag", tagFilters(tags)));
            if (json()) {
                printJson(page);
                return ExitCodes.OK;
            }
            Table table = new Table("NAME", "LATEST", "ALIASES", "TAGS", "DESCRIPTION");
            for (JsonNode m : page.path("items")) {
                table.row(m.path("name").asString(), Json.text(m, "latestVersion"), pairs(m.path("aliases"), "="),
                        pairs(m.path("tags"), "="), Json.text(m, "description"));
            }
            table.print(out());
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one model.")
    static final class Show extends ApiCommand {

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run() {
            JsonNode m = client().get("/api/v1/models/" + segment(name));
            if (json()) {
                printJson(m);
                return ExitCodes.OK;
            }
            Table table = new Table("FIELD", "VALUE");
            for (String field : List.of("name", "description", "latestVersion", "createdAt", "createdBy", "updatedAt")) {
                table.row(field, Json.text(m, field));
            }
            table.row("tags", pairs(m.path("tags"), "="));
            table.row("aliases", pairs(m.path("aliases"), " -> "));
            table.print(out());
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a model with its versions; refused while a service is bound to it.")
    static final class Delete extends ApiCommand {

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run() {
            client().delete("/api/v1/models/" + segment(name));
            out().println("Deleted model " + name);
            return ExitCodes.OK;
        }
    }

    /** {@code a=1, b=2} from a JSON object. */
    static String pairs(JsonNode object, String separator) {
        List<String> pairs = new ArrayList<>();
        object.properties().forEach(e -> pairs.add(e.getKey() + separator + e.getValue().asString()));
        return String.join(", ", pairs);
    }

    /** Tag filters as the API wants them ({@code key:value}); {@code key=value} is accepted too. */
    static List<String> tagFilters(List<String> tags) {
        return tags.stream().map(t -> t.contains(":") || !t.contains("=") ? t : t.replaceFirst("=", ":")).toList();
    }
}
