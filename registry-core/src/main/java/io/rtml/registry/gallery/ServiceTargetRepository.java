package io.rtml.registry.gallery;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

public interface ServiceTargetRepository extends JpaRepository<ServiceTarget, ServiceTarget.Key> {

    List<ServiceTarget> findByKeyServiceId(Long serviceId);

    List<ServiceTarget> findByKeyServiceIdIn(List<Long> serviceIds);

    List<ServiceTarget> findByKeyTargetId(Long targetId);
}
