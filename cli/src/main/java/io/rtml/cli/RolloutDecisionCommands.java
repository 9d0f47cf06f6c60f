package io.rtml.cli;

import static io.rtml.cli.RegistryClient.segment;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code rtml promote|abort SERVICE ID}: a decision on a rollout by hand, then followed like deploy. */
final class RolloutDecisionCommands {

    private RolloutDecisionCommands() {}

    abstract static class Decision extends DeploymentCommand {

        @Parameters(index = "0", paramLabel = "SERVICE")
        String service;

        @Parameters(index = "1", paramLabel = "DEPLOYMENT")
        long deployment;

        abstract String action();

        @Override
        int run() throws InterruptedException {
            RegistryClient client = client();
            return follow(client, client.post("/api/v1/services/" + segment(service) + "/deployments/" + deployment
                    + "/" + action(), Json.object()));
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Take a rollout to its next step now (or activate the candidate at the last), and wait.")
    static final class Promote extends Decision {
        @Override
        String action() {
            return "promote";
        }
    }

    @Command(name = "abort", mixinStandardHelpOptions = true,
            description = "Roll a rollout back now: every target on the stable version again.")
    static final class Abort extends Decision {
        @Override
        String action() {
            return "abort";
        }

        @Override
        boolean wanted(String finalStatus) {
            return "ROLLED_BACK".equals(finalStatus);
        }
    }
}
