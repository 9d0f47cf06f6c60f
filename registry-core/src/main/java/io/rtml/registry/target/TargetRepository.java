package io.rtml.registry.target;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface TargetRepository extends JpaRepository<Target, Long> {

    Optional<Target> findByName(String name);

    boolean existsByName(String name);

    Optional<Target> findByNodeCredentialHash(String nodeCredentialHash);

    List<Target> findAllByOrderByName();

    List<Target> findByNameInOrderByName(List<String> names);
}
