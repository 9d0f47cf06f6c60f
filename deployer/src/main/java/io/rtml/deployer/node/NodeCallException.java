package io.rtml.deployer.node;

import java.util.concurrent.CompletionException;

/** A scoring node call that failed, with a message fit for deployment.error (no secrets). */
public class NodeCallException extends RuntimeException {

    private final int status;

    public NodeCallException(String message) {
        this(message, 0);
    }

    /** @param status the HTTP status the node answered, 0 when it did not answer */
    public NodeCallException(String message, int status) {
        super(message, null, false, false);
        this.status = status;
    }

    /** The HTTP status behind a failed call's error (unwrapping a CompletionException), 0 when none. */
    public static int statusOf(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return e instanceof NodeCallException call ? call.status : 0;
    }
}
