package io.rtml.cli;

import static io.rtml.cli.RegistryClient.segment;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code rtml services delete|undeploy|rebind}: the ways out of a service's current state. */
final class ServiceLifecycleCommands {

    private ServiceLifecycleCommands() {}

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a service: it is undeployed from every target first, then removed from the gallery.")
    static final class Delete extends DeploymentCommand {

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run() throws InterruptedException {
            RegistryClient client = client();
            RegistryClient.Response response = client.delete("/api/v1/services/" + segment(name));
            if (response.status() == 204) {
                out().println("Deleted service " + name + " (it ran nowhere)");
                return ExitCodes.OK;
            }
            try {
                return follow(client, response);
            } catch (CliException e) {
                // The deployer deletes the service in the transaction that ends the undeployment, so
                // its deployment's Location answers 404 from then on: that is the success.
                if (e.exitCode() != ExitCodes.NOT_FOUND) {
                    throw e;
                }
                out().println("Deleted service " + name + " (undeployed from every target)");
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "undeploy", mixinStandardHelpOptions = true,
            description = "Take a service off some targets (every version there), and wait for the outcome.")
    static final class Undeploy extends DeploymentCommand {

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--targets", split = ",", required = true, paramLabel = "NAME",
                description = "Targets to take the service off.")
        List<String> targets;

        @Option(names = "--offline", paramLabel = "fail|converge",
                description = "fail (the default: all or nothing, a target that cannot be reached fails the undeploy)"
                        + " or converge (an unreachable target is left PENDING and the service is removed from it"
                        + " when it answers again).")
        String offline;

        @Override
        int run() throws InterruptedException {
            ObjectNode body = Json.object().put("kind", "UNDEPLOY");
            targets.forEach(body.putArray("targets")::add);
            if (offline != null) {
                body.put("offline", offline);
            }
            RegistryClient client = client();
            return follow(client, client.post("/api/v1/services/" + segment(name) + "/deployments", body));
        }
    }

    @Command(name = "rebind", mixinStandardHelpOptions = true,
            description = "Bind a service to another model; the next deploy takes a version of it.")
    static final class Rebind extends ApiCommand {

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--model", required = true, paramLabel = "MODEL")
        String model;

        @Option(names = "--version", paramLabel = "VERSION|ALIAS",
                description = "The version whose signature is compared with the running one (default: the latest).")
        String version;

        @Option(names = "--force", description = "Rebind even when the inputs or outputs differ.")
        boolean force;

        @Override
        int run() {
            ObjectNode body = Json.object().put("model", model).put("version", version);
            if (force) {
                body.put("force", true);
            }
            JsonNode rebound = client().patch("/api/v1/services/" + segment(name), body).json();
            for (JsonNode warning : rebound.path("warnings")) {
                err().println("warning: " + warning.asString());
            }
            if (json()) {
                printJson(rebound);
            } else {
                out().println("Service " + name + " is bound to model " + model + " (was "
                        + Json.text(rebound, "previousModel") + "); deploy a version of it to serve it");
            }
            return ExitCodes.OK;
        }
    }
}
