package io.rtml.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * Base of the commands that talk to the registry: resolves URL and token, and turns every failure
 * into one {@code rtml: …} line on stderr and an exit code from {@link ExitCodes}.
 */
abstract class ApiCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    /** The command's work; returns the exit code. */
    abstract int run() throws Exception;

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (CliException e) {
            return fail(e.exitCode(), e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(ExitCodes.UNEXPECTED, "interrupted", e);
        } catch (Exception e) {
            return fail(ExitCodes.UNEXPECTED, "unexpected error: " + e, e);
        } finally {
            out().flush();
            err().flush();
        }
    }

    private int fail(int exitCode, String message, Exception e) {
        err().println("rtml: " + message);
        if (options.debug) {
            e.printStackTrace(err());
        }
        return exitCode;
    }

    CliEnvironment environment() {
        return ((Rtml) spec.root().userObject()).environment();
    }

    String url() {
        String url = first(options.url, environment().get("RTML_URL"), config().url());
        if (url == null) {
            throw CliException.usage("no registry URL: pass --url, set RTML_URL or run 'rtml login'");
        }
        return url;
    }

    String token() {
        String token = first(options.token, environment().get("RTML_TOKEN"), config().token());
        if (token == null) {
            throw new CliException(ExitCodes.AUTH, "no API token: pass --token, set RTML_TOKEN or run 'rtml login'");
        }
        return token;
    }

    RegistryClient client() {
        return new RegistryClient(url(), token());
    }

    private Config config() {
        return Config.read(environment().configFile());
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    boolean json() {
        return options.json();
    }

    void printJson(JsonNode node) {
        out().println(Json.pretty(node));
    }

    private static String first(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }
}
