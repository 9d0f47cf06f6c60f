package io.rtml.deployment;

/**
 * A deployment moves a service forward (DEPLOY), back to a version it ran before (ROLLBACK), or
 * takes it off targets (UNDEPLOY: every version removed there, docs/deployer.md).
 */
public enum DeploymentKind {
    DEPLOY, ROLLBACK, UNDEPLOY
}
