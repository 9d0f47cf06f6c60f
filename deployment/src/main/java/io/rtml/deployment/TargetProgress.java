package io.rtml.deployment;

/**
 * The new status of one deployment_target row, with the readable error when it failed, and the
 * node's warm-up failure when it staged the version but could not warm it up (null: none reported).
 */
public record TargetProgress(long targetId, TargetDeploymentStatus status, String error, String warmupError) {}
