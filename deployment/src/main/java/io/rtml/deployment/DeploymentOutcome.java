package io.rtml.deployment;

import java.util.List;

/**
 * What the end of a deployment records besides its status: the service_target rows of its
 * targets on success, the audit event, and for a service delete the service row.
 *
 * @param targets each target with the version it served before the deployment (null: none)
 */
public record DeploymentOutcome(long deploymentId, long serviceId, String service, DeploymentKind kind, int version,
        String requestedBy, boolean deletesService, List<Placement> targets) {

    /**
     * A target of the deployment, the version it ran before, and what a successful end records for it:
     * the new version (SWITCHED), the new version as desired only, for reconciliation to bring once the
     * target answers again (CONVERGES), or nothing (UNCHANGED: it failed within a wave plan's threshold).
     */
    public record Placement(long targetId, String targetName, Integer previousVersion, Fate fate) {

        public Placement(long targetId, String targetName, Integer previousVersion) {
            this(targetId, targetName, previousVersion, Fate.SWITCHED);
        }
    }

    /** See {@link Placement}. */
    public enum Fate { SWITCHED, CONVERGES, UNCHANGED }

    List<String> targetNames() {
        return targets.stream().map(Placement::targetName).toList();
    }
}
