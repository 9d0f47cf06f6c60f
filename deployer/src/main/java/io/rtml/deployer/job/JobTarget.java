package io.rtml.deployer.job;

import io.rtml.deployer.node.NodeTarget;
import io.rtml.deployment.TargetDeploymentStatus;

/**
 * One target of a deployment with its recorded status, the version it served before, and its wave
 * in the deployment's plan (0 without one).
 */
record JobTarget(NodeTarget node, TargetDeploymentStatus status, Integer previousVersion, int wave) {

    long id() {
        return node.id();
    }
}
