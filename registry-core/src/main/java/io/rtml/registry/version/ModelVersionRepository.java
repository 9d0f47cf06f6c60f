package io.rtml.registry.version;

import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface ModelVersionRepository extends JpaRepository<ModelVersion, Long> {

    Optional<ModelVersion> findByModelIdAndVersion(Long modelId, int version);

    List<ModelVersion> findByModelIdAndVersionLessThanOrderByVersionDesc(Long modelId, int beforeVersion, Limit limit);

    @Query(value = """
            SELECT * FROM model_version
            WHERE model_id = :modelId AND version < :beforeVersion AND tags @> CAST(:tagsJson AS jsonb)
            ORDER BY version DESC LIMIT :limit""", nativeQuery = true)
    List<ModelVersion> findTaggedPage(Long modelId, int beforeVersion, String tagsJson, int limit);
}
