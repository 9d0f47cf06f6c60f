package io.rtml.deployer.job;

import io.rtml.deployer.node.NodeTarget;
import io.rtml.deployment.TargetDeploymentStatus;

/** One target of a deployment with its recorded status and the version it served before. */
record JobTarget(NodeTarget node, TargetDeploymentStatus status, Integer previousVersion) {

    long id() {
        return node.id();
    }
}
