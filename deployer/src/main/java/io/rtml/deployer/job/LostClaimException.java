package io.rtml.deployer.job;

/**
 * This deployer no longer owns the deployment (its lease lapsed and another deployer claimed it,
 * or the process is stopping): stop without writing anything more.
 */
class LostClaimException extends RuntimeException {

    LostClaimException(String message) {
        super(message, null, false, false);
    }
}
