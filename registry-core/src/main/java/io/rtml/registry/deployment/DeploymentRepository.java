package io.rtml.registry.deployment;

import io.rtml.deployment.DeploymentStatus;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;

public interface DeploymentRepository extends JpaRepository<Deployment, Long> {

    Optional<Deployment> findByIdAndServiceId(Long id, Long serviceId);

    List<Deployment> findByServiceIdAndIdLessThanOrderByIdDesc(Long serviceId, long beforeId, Limit limit);

    Optional<Deployment> findFirstByServiceIdAndStatusIn(Long serviceId, Collection<DeploymentStatus> statuses);
}
