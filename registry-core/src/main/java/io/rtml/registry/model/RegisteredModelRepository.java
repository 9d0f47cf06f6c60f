package io.rtml.registry.model;

import jakarta.persistence.LockModeType;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

public interface RegisteredModelRepository extends JpaRepository<RegisteredModel, Long> {

    Optional<RegisteredModel> findByName(String name);

    boolean existsByName(String name);

    /** Locks the model row: serialises version numbering and alias changes of one model. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select m from RegisteredModel m where m.name = :name")
    Optional<RegisteredModel> lockByName(String name);
}
