package io.rtml.cli;

import picocli.CommandLine.Command;
import tools.jackson.databind.JsonNode;

/** {@code rtml targets list}: the scoring nodes services can be deployed to. */
@Command(name = "targets", mixinStandardHelpOptions = true, description = "List deployment targets (scoring nodes).",
        subcommands = TargetsCommand.ListTargets.class)
final class TargetsCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List targets with their health.")
    static final class ListTargets extends ApiCommand {

        @Override
        int run() {
            JsonNode targets = client().get("/api/v1/targets");
            if (json()) {
                printJson(targets);
                return ExitCodes.OK;
            }
            Table table = new Table("NAME", "KIND", "REGION", "HEALTH", "BASE URL", "LAST SEEN");
            for (JsonNode t : targets) {
                table.row(Json.text(t, "name"), Json.text(t, "kind"), Json.text(t, "region"), Json.text(t, "health"),
                        Json.text(t, "baseUrl"), Json.text(t, "lastSeenAt"));
            }
            table.print(out());
            return ExitCodes.OK;
        }
    }
}
