package io.rtml.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rtml login}: checks URL and token against the registry, then saves them for later commands. */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = "Check a registry URL and token, and save them in the user's config dir (file mode 0600).")
final class LoginCommand extends ApiCommand {

    @Option(names = "--no-verify", description = "Save without calling the registry first.")
    boolean noVerify;

    @Override
    int run() {
        String url = url();
        String token = token();
        if (!noVerify) {
            // Any read needs a valid token (every role may view): a wrong one fails here, with exit code 5.
            new RegistryClient(url, token).get("/api/v1/models?pageSize=1");
        }
        Path file = environment().configFile();
        new Config(url, token).write(file);
        if (json()) {
            printJson(Json.object().put("url", url).put("configFile", file.toString()));
        } else {
            out().println("Logged in to " + url + "; saved to " + file);
        }
        return ExitCodes.OK;
    }
}
