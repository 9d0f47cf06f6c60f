package io.rtml.cli;

import static io.rtml.cli.RegistryClient.segment;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code rtml services create|update|list|show|delete|undeploy|rebind}: the service gallery. */
@Command(name = "services", mixinStandardHelpOptions = true,
        description = "Create, update, list, show, delete, undeploy and rebind services (the gallery).",
        subcommands = {ServicesCommand.Create.class, ServicesCommand.Update.class, ServicesCommand.ListServices.class,
                ServicesCommand.Show.class,
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

        @Option(names = "--selector", paramLabel = "SELECTOR",
                description = "Follow the targets whose labels match: a target that starts matching gets the active version.")
        String selector;

        @Option(names = "--rollout", paramLabel = "JSON",
                description = "The default rollout as the deploy request's rollout fields, e.g. '{\"strategy\":{\"type\":\"canary\",\"steps\":[10,100]}}'; or give rtml deploy's rollout options.")
        String rolloutJson;

        @Mixin
        RolloutOptions rollout;

        @Override
        int run() {
            ObjectNode body = Json.object().put("name", name).put("model", model).put("description", description)
                    .put("follow", follow).put("selector", selector);
            ObjectNode defaultRollout = defaultRollout(rolloutJson, rollout);
            if (defaultRollout != null) {
                body.set("defaultRollout", defaultRollout);
            }
            JsonNode service = client().post("/api/v1/services", body).json();
            if (json()) {
                printJson(service);
            } else {
                String following = follow == null ? "" : ", following " + Json.text(service, "model") + "@" + follow;
                out().println("Created service " + Json.text(service, "name") + " for model " + Json.text(service, "model")
                        + following + rolloutLine(service));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Change a service's default rollout or selector (rebind changes its model).")
    static final class Update extends ApiCommand {

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--selector", paramLabel = "SELECTOR",
                description = "Follow the targets whose labels match ('' stops following).")
        String selector;

        @Option(names = "--rollout", paramLabel = "JSON",
                description = "The default rollout as the deploy request's rollout fields ('{}' clears it); or give rtml deploy's rollout options.")
        String rolloutJson;

        @Option(names = "--no-default-rollout", description = "Clear the default rollout: deployments switch every target at once.")
        boolean clear;

        @Mixin
        RolloutOptions rollout;

        @Override
        int run() {
            ObjectNode body = Json.object();
            ObjectNode defaultRollout = defaultRollout(rolloutJson, rollout);
            if (clear) {
                if (defaultRollout != null) {
                    throw CliException.usage("give either --no-default-rollout or a rollout, not both");
                }
                defaultRollout = Json.object();
            }
            if (defaultRollout != null) {
                body.set("defaultRollout", defaultRollout);
            }
            if (selector != null) {
                body.put("selector", selector);
            }
            if (body.isEmpty()) {
                throw CliException.usage("give --rollout (or rollout options), --no-default-rollout or --selector");
            }
            JsonNode updated = client().patch("/api/v1/services/" + segment(name), body).json();
            if (json()) {
                printJson(updated);
            } else {
                out().println("Updated service " + name + rolloutLine(updated.path("service")));
            }
            return ExitCodes.OK;
        }
    }

    /** {@code --rollout JSON} or the rollout options as a default rollout; null when neither is given. */
    static ObjectNode defaultRollout(String json, RolloutOptions options) {
        if (json != null && options.given()) {
            throw CliException.usage("give either --rollout JSON or rollout options, not both");
        }
        if (json != null) {
            JsonNode parsed = Json.parse(json, "--rollout");
            if (!(parsed instanceof ObjectNode object)) {
                throw CliException.usage("--rollout must be a JSON object, e.g. '{\"strategy\":{\"type\":\"canary\",\"steps\":[10,100]}}'");
            }
            return object;
        }
        return options.given() ? options.fields(Json.object()) : null;
    }

    /** "; default rollout: {...}" or "" when the service has none. */
    static String rolloutLine(JsonNode service) {
        JsonNode rollout = service.path("defaultRollout");
        return rollout.isObject() ? "; default rollout: " + Json.compact(withoutNulls(rollout)) : "";
    }

    private static JsonNode withoutNulls(JsonNode node) {
        if (!(node instanceof ObjectNode object)) {
            return node;
        }
        ObjectNode copy = Json.object();
        object.properties().forEach(e -> {
            if (!e.getValue().isNull()) {
                copy.set(e.getKey(), withoutNulls(e.getValue()));
            }
        });
        return copy;
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
            String rollout = rolloutLine(s);
            if (!rollout.isEmpty()) {
                out().println("Default rollout: " + rollout.substring("; default rollout: ".length()));
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
