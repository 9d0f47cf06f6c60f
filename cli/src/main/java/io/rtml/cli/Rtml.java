package io.rtml.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rtml}, the command line of the registry: models, versions, services, deployments, predictions. */
@Command(name = "rtml", mixinStandardHelpOptions = true, version = "rtml 0.1.0",
        description = "Command line of the rtml model registry and its scoring nodes.",
        subcommands = {LoginCommand.class, ModelsCommand.class, VersionsCommand.class, ServicesCommand.class,
                DeployCommand.class, RolloutDecisionCommands.Promote.class,
                RolloutDecisionCommands.Abort.class, RollbackCommand.class, PredictCommand.class, TargetsCommand.class,
                WebhooksCommand.class, EventsCommand.class},
        footer = {"", "Options go after the command: rtml models list --output json.",
                "Exit codes: 0 ok, 1 unexpected, 2 usage, 3 not found, 4 refused or conflict,",
                "5 auth, 6 unreachable or 5xx, 7 deployment failed or timed out (docs/cli.md)."})
public final class Rtml {

    private final CliEnvironment environment;

    private Rtml(CliEnvironment environment) {
        this.environment = environment;
    }

    CliEnvironment environment() {
        return environment;
    }

    public static void main(String[] args) {
        System.exit(commandLine(CliEnvironment.system()).execute(args));
    }

    /** The whole command tree; {@code execute(args)} on it runs one command and returns its exit code. */
    public static CommandLine commandLine(CliEnvironment environment) {
        return new CommandLine(new Rtml(environment)).setCaseInsensitiveEnumValuesAllowed(true);
    }

    /** Runs one command with the given streams, as the tests do. */
    public static int execute(CliEnvironment environment, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = commandLine(environment);
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }
}
