package io.rtml.registry.deployment;

/** A deployment moves a service forward (DEPLOY) or back to a version it ran before (ROLLBACK). */
public enum DeploymentKind {
    DEPLOY, ROLLBACK
}
