package io.rtml.deployment;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of a deployment (DESIGN.md): PENDING → STAGING → ACTIVATING → SUCCEEDED, or FAILED
 * (staging failed: nothing was activated), ROLLED_BACK (activation failed somewhere: the targets
 * already switched went back). A rollback goes PENDING → ACTIVATING: its version is still loaded on
 * the nodes, nothing to stage. A deployment with a rollout strategy goes STAGING → ROLLING_OUT while
 * the nodes route a growing share of requests to it, then ACTIVATING (promoted to 100%) or
 * ROLLED_BACK (a guardrail was crossed, or aborted by hand: the stable version never stopped
 * serving). A shadow rollout never switches: after its duration it ends SHADOWED, the candidate's
 * agreement and latency recorded, every target still on what it served before. A deployment with a
 * wave plan also goes STAGING → ROLLING_OUT while its waves switch one after another, then
 * ACTIVATING → SUCCEEDED, or ROLLING_OUT → FAILED when its failed share passed the plan's threshold
 * (the waves already switched went back). There is no "superseded": a second request while one is in flight is
 * refused with 409, never queued behind it, so no deployment can be overtaken.
 */
public enum DeploymentStatus {
    PENDING, STAGING, ROLLING_OUT, ACTIVATING, SUCCEEDED, FAILED, ROLLED_BACK, SHADOWED;

    /** The statuses a deployer still has work to do in; the schema allows one such row per service. */
    public static final Set<DeploymentStatus> IN_FLIGHT = EnumSet.of(PENDING, STAGING, ROLLING_OUT, ACTIVATING);

    /**
     * {@link #IN_FLIGHT} as a text array, bound into SQL as {@code status = ANY(?)}: the set is
     * written here only, never as a literal list in a query.
     */
    public static String[] inFlightNames() {
        return IN_FLIGHT.stream().map(Enum::name).toArray(String[]::new);
    }

    /**
     * The first move out of PENDING when a deployer takes the deployment: a rollback has nothing to
     * stage (its version is still loaded on the nodes), every other kind stages (an UNDEPLOY's
     * stage step checks that every target answers).
     */
    public static DeploymentStatus next(DeploymentKind kind) {
        return kind == DeploymentKind.ROLLBACK ? ACTIVATING : STAGING;
    }

    public boolean canMoveTo(DeploymentStatus next) {
        return switch (this) {
            case PENDING -> next == STAGING || next == ACTIVATING || next == FAILED;
            case STAGING -> next == ACTIVATING || next == ROLLING_OUT || next == FAILED;
            case ROLLING_OUT -> next == ACTIVATING || next == ROLLED_BACK || next == SHADOWED || next == FAILED;
            case ACTIVATING -> next == SUCCEEDED || next == ROLLED_BACK;
            case SUCCEEDED, FAILED, ROLLED_BACK, SHADOWED -> false;
        };
    }

    public boolean isFinal() {
        return !IN_FLIGHT.contains(this);
    }
}
