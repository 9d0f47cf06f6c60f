package io.rtml.cli;

import picocli.CommandLine.Option;

/** The options every command takes. URL and token: flag, then RTML_URL / RTML_TOKEN, then the saved login. */
final class GlobalOptions {

    /** How results are printed. */
    enum Output { TABLE, JSON }

    @Option(names = "--url", paramLabel = "URL", description = "Registry URL (else $RTML_URL, else the saved login).")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", description = "API token (else $RTML_TOKEN, else the saved login).")
    String token;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table (default) or json: the server's JSON, for scripts.")
    Output output = Output.TABLE;

    @Option(names = "--debug", description = "Print stack traces of failures.")
    boolean debug;

    boolean json() {
        return output == Output.JSON;
    }
}
