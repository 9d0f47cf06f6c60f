package io.rtml.cli;

/** A failure to report as one line (a problem listing differences: a few) on stderr ({@code rtml: message}) with an exit code from {@link ExitCodes}. */
final class CliException extends RuntimeException {

    private final int exitCode;
    private final String problemCode;

    CliException(int exitCode, String message) {
        this(exitCode, message, (String) null);
    }

    /** {@code problemCode}: the {@code code} of the registry's problem body, for a command that adds advice to one. */
    CliException(int exitCode, String message, String problemCode) {
        super(message);
        this.exitCode = exitCode;
        this.problemCode = problemCode;
    }

    CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.problemCode = null;
    }

    int exitCode() {
        return exitCode;
    }

    String problemCode() {
        return problemCode;
    }

    static CliException usage(String message) {
        return new CliException(ExitCodes.USAGE, message);
    }
}
