package io.rtml.cli;

/** The documented exit codes of {@code rtml}, one per kind of failure, so that scripts can branch on them. */
public final class ExitCodes {

    public static final int OK = 0;
    /** A failure the CLI did not expect (a bug, a local I/O problem). */
    public static final int UNEXPECTED = 1;
    /** Bad arguments or missing settings (picocli uses 2 for usage errors too). */
    public static final int USAGE = 2;
    /** The registry (or the target) answered 404. */
    public static final int NOT_FOUND = 3;
    /** The request was refused: 400, 409, 413, 415, 422, 429. */
    public static final int REFUSED = 4;
    /** Authentication or authorization failed: 401, 403, or no token at all. */
    public static final int AUTH = 5;
    /** The server could not be reached, timed out, or answered 5xx. */
    public static final int UNAVAILABLE = 6;
    /** A deployment or rollback ended in another state than SUCCEEDED, or did not finish in time. */
    public static final int DEPLOYMENT_FAILED = 7;

    private ExitCodes() {}

    /** The exit code for an HTTP error status. */
    static int forStatus(int status) {
        if (status == 404) {
            return NOT_FOUND;
        }
        if (status == 401 || status == 403) {
            return AUTH;
        }
        if (status >= 500) {
            return UNAVAILABLE;
        }
        if (status >= 400) {
            return REFUSED;
        }
        return UNEXPECTED;
    }
}
