package io.rtml.deployer.node;

/** A scoring node call that failed, with a message fit for deployment.error (no secrets). */
public class NodeCallException extends RuntimeException {

    public NodeCallException(String message) {
        super(message, null, false, false);
    }
}
