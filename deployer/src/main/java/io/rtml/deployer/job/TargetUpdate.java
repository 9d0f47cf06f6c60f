package io.rtml.deployer.job;

import io.rtml.registry.deployment.TargetDeploymentStatus;

/** The new status of one deployment_target row, with the readable error when it failed. */
record TargetUpdate(long targetId, TargetDeploymentStatus status, String error) {}
