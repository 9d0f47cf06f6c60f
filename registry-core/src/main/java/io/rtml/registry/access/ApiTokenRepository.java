package io.rtml.registry.access;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface ApiTokenRepository extends JpaRepository<ApiToken, Long> {

    Optional<ApiToken> findBySecretHash(String secretHash);

    List<ApiToken> findAllByOrderById();

    boolean existsByRevokedAtIsNull();

    /** Serialises bootstrap between registry replicas starting at once. */
    @Query(value = "SELECT 1 FROM (SELECT pg_advisory_xact_lock(7410001)) AS locked", nativeQuery = true)
    Integer lockForBootstrap();
}
