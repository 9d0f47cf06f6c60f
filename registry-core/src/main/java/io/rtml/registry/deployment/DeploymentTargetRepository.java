package io.rtml.registry.deployment;

import java.util.Collection;
import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface DeploymentTargetRepository extends JpaRepository<DeploymentTarget, DeploymentTarget.Key> {

    List<DeploymentTarget> findByKeyDeploymentIdIn(Collection<Long> deploymentIds);

    /** Every target any deployment of the service went to: where it may have left versions behind. */
    @Query("select distinct dt.key.targetId from DeploymentTarget dt, Deployment d"
            + " where d.id = dt.key.deploymentId and d.serviceId = :serviceId")
    List<Long> findTargetIdsOfService(Long serviceId);
}
