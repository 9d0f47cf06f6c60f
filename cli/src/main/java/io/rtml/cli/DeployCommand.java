package io.rtml.cli;

import static io.rtml.cli.RegistryClient.segment;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code rtml deploy SERVICE VERSION}: asks for a deployment and, unless {@code --no-wait}, follows it to its end. */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = "Deploy a version (number or alias) of the service's model to targets, and wait for the outcome.")
final class DeployCommand extends DeploymentCommand {

    @Parameters(index = "0", paramLabel = "SERVICE")
    String service;

    @Parameters(index = "1", paramLabel = "VERSION|ALIAS")
    String version;

    @Option(names = "--targets", split = ",", paramLabel = "NAME", description = "Target names (default: all targets).")
    List<String> targets;

    @Option(names = "--kind", paramLabel = "HUB|EDGE", description = "Only targets of this kind.")
    String kind;

    @Option(names = "--region", paramLabel = "REGION", description = "Only targets in this region.")
    String region;

    @Option(names = "--selector", paramLabel = "SELECTOR",
            description = "Only targets whose labels match (e.g. 'tier=edge,region in (eu,us)'; kind, name and region count).")
    String selector;

    @Option(names = "--allow-signature-change",
            description = "Deploy even when the version's inputs or outputs break the callers of the active version.")
    boolean allowSignatureChange;

    @Mixin
    RolloutOptions rollout;

    @Override
    int run() throws InterruptedException {
        ObjectNode body = Json.object();
        if (version.matches("\\d+")) {
            body.put("version", Integer.parseInt(version));
        } else {
            body.put("alias", version);
        }
        if (targets != null && (kind != null || region != null)) {
            throw CliException.usage("give either --targets or --kind/--region, not both");
        }
        if (targets != null) {
            ArrayNode names = body.putArray("targets");
            targets.forEach(names::add);
        } else if (kind != null || region != null) {
            body.putObject("targets").put("kind", kind).put("region", region);
        }
        if (selector != null) {
            body.put("selector", selector);
        }
        if (allowSignatureChange) {
            body.put("allowSignatureChange", true);
        }
        rollout.fields(body); // none: the service's default rollout, if it has one
        RegistryClient client = client();
        return follow(client, request(client, body));
    }

    private RegistryClient.Response request(RegistryClient client, ObjectNode body) {
        try {
            return client.post("/api/v1/services/" + segment(service) + "/deployments", body);
        } catch (CliException e) {
            if ("SIGNATURE_INCOMPATIBLE".equals(e.problemCode())) {
                throw new CliException(e.exitCode(), e.getMessage()
                        + "\n  give --allow-signature-change to deploy it anyway", e.problemCode());
            }
            throw e;
        }
    }
}
