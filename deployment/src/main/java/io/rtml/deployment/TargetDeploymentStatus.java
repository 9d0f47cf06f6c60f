package io.rtml.deployment;

/** Progress of one deployment on one target. */
public enum TargetDeploymentStatus {
    PENDING, STAGED, ACTIVE, FAILED, REVERTED,
    /** An UNDEPLOY took the service off this target. */
    REMOVED
}
