package io.rtml.registry.deployment;

import java.util.Collection;
import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

interface DeploymentTargetRepository extends JpaRepository<DeploymentTarget, DeploymentTarget.Key> {

    List<DeploymentTarget> findByKeyDeploymentIdIn(Collection<Long> deploymentIds);
}
