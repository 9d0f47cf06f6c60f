package io.rtml.deployment;

/**
 * This deployer no longer owns the deployment (its lease lapsed and another deployer claimed it,
 * or the process is stopping): stop without writing anything more.
 */
public class LostClaimException extends RuntimeException {

    public LostClaimException(String message) {
        super(message, null, false, false);
    }
}
