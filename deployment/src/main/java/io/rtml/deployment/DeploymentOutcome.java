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

    /** A target of the deployment and the version it ran before. */
    public record Placement(long targetId, String targetName, Integer previousVersion) {}

    List<String> targetNames() {
        return targets.stream().map(Placement::targetName).toList();
    }
}
