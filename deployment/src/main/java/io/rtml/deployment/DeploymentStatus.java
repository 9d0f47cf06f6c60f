package io.rtml.deployment;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of a deployment (DESIGN.md): PENDING → STAGING → ACTIVATING → SUCCEEDED, or FAILED
 * (staging failed: nothing was activated), ROLLED_BACK (activation failed somewhere: the targets
 * already switched went back). A rollback goes PENDING → ACTIVATING: its version is still loaded on
 * the nodes, nothing to stage. There is no "superseded": a second request while one is in flight is
 * refused with 409, never queued behind it, so no deployment can be overtaken.
 */
public enum DeploymentStatus {
    PENDING, STAGING, ACTIVATING, SUCCEEDED, FAILED, ROLLED_BACK;

    /** The statuses a deployer still has work to do in; the schema allows one such row per service. */
    public static final Set<DeploymentStatus> IN_FLIGHT = EnumSet.of(PENDING, STAGING, ACTIVATING);

    public boolean canMoveTo(DeploymentStatus next) {
        return switch (this) {
            case PENDING -> next == STAGING || next == ACTIVATING || next == FAILED;
            case STAGING -> next == ACTIVATING || next == FAILED;
            case ACTIVATING -> next == SUCCEEDED || next == ROLLED_BACK;
            case SUCCEEDED, FAILED, ROLLED_BACK -> false;
        };
    }

    public boolean isFinal() {
        return !IN_FLIGHT.contains(this);
    }
}
