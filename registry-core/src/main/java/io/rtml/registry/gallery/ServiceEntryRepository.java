package io.rtml.registry.gallery;

import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

public interface ServiceEntryRepository extends JpaRepository<ServiceEntry, Long> {

    Optional<ServiceEntry> findByName(String name);

    boolean existsByName(String name);

    /** Serialises deployment requests of one service. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select s from ServiceEntry s where s.name = :name")
    Optional<ServiceEntry> lockByName(String name);

    List<ServiceEntry> findByNameGreaterThanOrderByName(String after, Limit limit);

    /** The services that follow an alias of a model, locked in id order (as a deployment request locks one). */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select s from ServiceEntry s where s.modelId = :modelId and s.followAlias = :alias order by s.id")
    List<ServiceEntry> lockFollowers(Long modelId, String alias);
}
