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

    @Override
    int run() throws InterruptedException {
        ObjectNode body = Json.object();
        if (toVersion != null) {
            body.put("toVersion", toVersion);
        }
        RegistryClient client = client();
        return follow(client, client.post("/api/v1/services/" + segment(service) + "/rollback", body));
    }
}
