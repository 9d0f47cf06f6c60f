package io.rtml.registry.gallery;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

public interface ServiceTargetRepository extends JpaRepository<ServiceTarget, ServiceTarget.Key> {

    List<ServiceTarget> findByKeyServiceId(Long serviceId);

    List<ServiceTarget> findByKeyServiceIdIn(List<Long> serviceIds);

    List<ServiceTarget> findByKeyTargetId(Long targetId);

    /**
     * After a rebind the recorded versions are numbers of the old model: nothing may repair towards
     * them (desired) or roll back to them (previous). The active version stays: it is what serves.
     */
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query("update ServiceTarget st set st.desiredVersion = null, st.previousVersion = null"
            + " where st.key.serviceId = :serviceId")
    int forgetVersions(Long serviceId);
}
