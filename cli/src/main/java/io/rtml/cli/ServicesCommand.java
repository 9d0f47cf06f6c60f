package io.rtml.cli;

import static io.rtml.cli.RegistryClient.segment;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code rtml services create|list|show|delete|undeploy|rebind}: the service gallery. */
@Command(name = "services", mixinStandardHelpOptions = true,
        description = "Create, list, show, delete, undeploy and rebind services (the gallery).",
        subcommands = {ServicesCommand.Create.class, ServicesCommand.ListServices.class, ServicesCommand.Show.class,
                ServiceLifecycleCommands.Delete.class, ServiceLifecycleCommands.Undeploy.class,
                ServiceLifecycleCommands.Rebind.class})
final class ServicesCommand {

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a service bound to a model.")
    static final class Create extends ApiCommand {

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--model", required = true, paramLabel = "MODEL")
        String model;

        @Option(names = "--description", paramLabel = "TEXT")
        String description;

        @Option(names = "--follow", paramLabel = "ALIAS",
                description = "Deploy the model's version this alias points at whenever it moves (champion, say).")
        String follow;

        @Override
        int run() {
            JsonNode service = client().post("/api/v1/services", Json.object().put("name", name).put("model", model)
                    .put("description", description).put("follow", follow)).json();
            if (json()) {
                printJson(service);
            } else {
                String following = follow == null ? "" : ", following " + Json.text(service, "model") + "@" + follow;
                out().println("Created service " + Json.text(service, "name") + " for model " + Json.text(service, "model")
                        + following);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "The gallery: every service, its model, the version on each target, health.")
    static final class ListServices extends ApiCommand {

        @Override
        int run() {
            JsonNode page = client().getAllPages("/api/v1/services");
            if (json()) {
                printJson(page);
                return ExitCodes.OK;
            }
            Table table = new Table("SERVICE", "MODEL", "STATUS", "VERSION PER TARGET", "HEALTH");
            for (JsonNode s : page.path("items")) {
                List<String> versions = new ArrayList<>();
                Set<String> health = new TreeSet<>();
                for (JsonNode p : s.path("targets")) {
                    String active = Json.text(p, "activeVersion");
                    versions.add(Json.text(p, "target") + "=" + (active == null ? "-" : "v" + active));
                    health.add(Json.text(p, "target") + ":" + Json.text(p, "health"));
                }
                table.row(Json.text(s, "name"), Json.text(s, "model"), Json.text(s, "status"),
                        String.join(" ", versions), summarize(health));
            }
            table.print(out());
            return ExitCodes.OK;
        }

        /** {@code UP} when every target says the same, else each target's own. */
        private static String summarize(Set<String> health) {
            Set<String> distinct = new TreeSet<>();
            health.forEach(h -> distinct.add(h.substring(h.lastIndexOf(':') + 1)));
            return distinct.size() == 1 ? distinct.iterator().next() : String.join(" ", health);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "A service's targets (active and standby versions, endpoints) and recent deployments.")
    static final class Show extends ApiCommand {

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run() {
            JsonNode s = client().get("/api/v1/services/" + segment(name));
            if (json()) {
                printJson(s);
                return ExitCodes.OK;
            }
            out().println("Service " + Json.text(s, "name") + " (model " + Json.text(s, "model") + ", "
                    + Json.text(s, "status") + ")");
            String description = Json.text(s, "description");
            if (description != null && !description.isBlank()) {
                out().println(description);
            }
            out().println();
            Table targets = new Table("TARGET", "KIND", "REGION", "HEALTH", "ACTIVE", "STANDBY", "DEPLOYED", "PREDICT URL");
            for (JsonNode p : s.path("targets")) {
                targets.row(Json.text(p, "target"), Json.text(p, "kind"), Json.text(p, "region"), Json.text(p, "health"),
                        Json.text(p, "activeVersion"), String.join(",", VersionsCommand.strings(p.path("standbyVersions"))),
                        Json.text(p, "deployedAt"), Json.text(p.path("endpoints"), "predict"));
            }
            if (targets.isEmpty()) {
                out().println("Not deployed anywhere yet.");
            } else {
                targets.print(out());
            }
            out().println();
            Table deployments = new Table("DEPLOYMENT", "KIND", "VERSION", "STATUS", "BY", "REQUESTED", "DURATION");
            for (JsonNode d : s.path("deployments")) {
                String ms = Json.text(d, "durationMs");
                deployments.row(Json.text(d, "id"), Json.text(d, "kind"), Json.text(d, "version"), Json.text(d, "status"),
                        Json.text(d, "requestedBy"), Json.text(d, "requestedAt"), ms == null ? null : ms + " ms");
            }
            if (deployments.isEmpty()) {
                out().println("No deployments yet.");
            } else {
                deployments.print(out());
            }
            return ExitCodes.OK;
        }
    }
}
