package io.rtml.deployment;

import java.time.Duration;

/**
 * One deployer as the deployment table knows it: the name it claims rows with, how long a claim
 * lasts unless renewed, and how many claims a deployment gets before it is given up.
 *
 * @param maxAttempts claims a deployment may take; one more means the deployers working on it kept
 *     stopping (a crash loop, a node that hangs them), and the next deployer ends it
 */
public record Claimant(String instanceId, Duration lease, int maxAttempts) {

    /** The give-up rule, the only one: the claim numbered {@code attempts} (counting itself) ends the deployment. */
    public boolean exhausted(int attempts) {
        return attempts > maxAttempts;
    }

    double leaseSeconds() {
        return lease.toMillis() / 1000.0;
    }
}
