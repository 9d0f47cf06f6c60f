package io.rtml.cli;

import static io.rtml.cli.RegistryClient.segment;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ObjectNode;

/** {@code rtml rollback SERVICE}: a new deployment of the version active before (or {@code --to}), followed like deploy. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Roll a service back to the version active before the current one (or --to VERSION), and wait.")
final class RollbackCommand extends DeploymentCommand {

    @Parameters(paramLabel = "SERVICE")
    String service;

    @Option(names = "--to", paramLabel = "VERSION", description = "The version to go back to.")
    Integer toVersion;

    @Option(names = "--offline", paramLabel = "fail|converge",
            description = "converge: unreachable targets are left pending and go back when they come back.")
    String offline;

    @Override
    int run() throws InterruptedException {
        ObjectNode body = Json.object();
        if (toVersion != null) {
            body.put("toVersion", toVersion);
        }
        if (offline != null) {
            body.put("offline", offline);
        }
        RegistryClient client = client();
        return follow(client, client.post("/api/v1/services/" + segment(service) + "/rollback", body));
    }
}
