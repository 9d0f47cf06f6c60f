package io.rtml.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * What deploy and rollback share: after the 202, poll the deployment's Location until it ends,
 * printing each move of the deployment and of each target on stderr, and exit 0 only on SUCCEEDED.
 */
abstract class DeploymentCommand extends ApiCommand {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(150);
    private static final List<String> FINAL = List.of("SUCCEEDED", "FAILED", "ROLLED_BACK");

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "120s", converter = DurationConverter.class,
            description = "How long to wait for the end (default 120s; e.g. 30s, 500ms, 5m).")
    Duration timeout;

    @Option(names = "--no-wait", description = "Print the accepted deployment and return at once.")
    boolean noWait;

    int follow(RegistryClient client, RegistryClient.Response accepted) throws InterruptedException {
        JsonNode deployment = accepted.json();
        String id = Json.text(deployment, "id");
        if (noWait) {
            print(deployment);
            return ExitCodes.OK;
        }
        String location = accepted.headers().firstValue("Location").orElseThrow(() -> new CliException(
                ExitCodes.UNEXPECTED, "the registry accepted deployment " + id + " without a Location to follow"));
        err().println("Deployment " + id + ": " + Json.text(deployment, "kind") + " of " + Json.text(deployment, "service")
                + " version " + Json.text(deployment, "version") + ", " + Json.text(deployment, "status"));
        err().flush();
        Map<String, String> seen = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            report(deployment, seen);
            String status = Json.text(deployment, "status");
            if (FINAL.contains(status)) {
                print(deployment);
                if (!"SUCCEEDED".equals(status)) {
                    String error = Json.text(deployment, "error");
                    throw new CliException(ExitCodes.DEPLOYMENT_FAILED,
                            "deployment " + id + " ended " + status + (error == null ? "" : ": " + error));
                }
                return ExitCodes.OK;
            }
            if (System.nanoTime() >= deadline) {
                if (json()) {
                    printJson(deployment);
                }
                throw new CliException(ExitCodes.DEPLOYMENT_FAILED, "deployment " + id + " is still " + status + " after "
                        + timeout.toMillis() / 1000.0 + "s; it goes on in the registry: " + client.resolve(location));
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
            deployment = client.get(location);
        }
    }

    /** One stderr line per change: the deployment's status, then each target's. */
    private void report(JsonNode deployment, Map<String, String> seen) {
        String status = Json.text(deployment, "status");
        String previous = seen.put("", status);
        if (previous != null && !previous.equals(status)) {
            err().println("  " + status);
        }
        for (JsonNode t : deployment.path("targets")) {
            String target = Json.text(t, "target");
            String line = Json.text(t, "status") + (Json.text(t, "error") == null ? "" : ": " + Json.text(t, "error"));
            if (!line.equals(seen.put("target:" + target, line))) {
                err().println("  " + target + ": " + line);
            }
        }
        err().flush();
    }

    private void print(JsonNode deployment) {
        if (json()) {
            printJson(deployment);
            return;
        }
        String ms = Json.text(deployment, "durationMs");
        out().println("Deployment " + Json.text(deployment, "id") + " " + Json.text(deployment, "status") + ": "
                + Json.text(deployment, "kind") + " of " + Json.text(deployment, "service") + " version "
                + Json.text(deployment, "version") + (ms == null ? "" : " in " + ms + " ms"));
        Table table = new Table("TARGET", "STATUS", "PREVIOUS", "ERROR");
        for (JsonNode t : deployment.path("targets")) {
            table.row(Json.text(t, "target"), Json.text(t, "status"), Json.text(t, "previousVersion"), Json.text(t, "error"));
        }
        table.print(out());
    }
}
