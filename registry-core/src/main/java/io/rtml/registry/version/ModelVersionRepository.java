package io.rtml.registry.version;

import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.transaction.annotation.Transactional;

interface ModelVersionRepository extends JpaRepository<ModelVersion, Long> {

    Optional<ModelVersion> findByModelIdAndVersion(Long modelId, int version);

    List<ModelVersion> findByModelIdAndVersionLessThanOrderByVersionDesc(Long modelId, int beforeVersion, Limit limit);

    @Query(value = """
            SELECT * FROM model_version
            WHERE model_id = :modelId AND version < :beforeVersion AND tags @> CAST(:tagsJson AS jsonb)
            ORDER BY version DESC LIMIT :limit""", nativeQuery = true)
    List<ModelVersion> findTaggedPage(Long modelId, int beforeVersion, String tagsJson, int limit);

    /** A version's artifact still under a staging key. */
    interface Staged {
        String getArtifactKey();

        String getSha256();

        long getSizeBytes();
    }

    @Query("SELECT DISTINCT v.artifactKey AS artifactKey, v.sha256 AS sha256, v.sizeBytes AS sizeBytes FROM ModelVersion v"
            + " WHERE v.artifactKey LIKE 'staging/%'")
    List<Staged> findStaged();

    boolean existsByArtifactKey(String artifactKey);

    @Transactional
    @Modifying
    @Query("UPDATE ModelVersion v SET v.artifactKey = :contentKey WHERE v.artifactKey = :stagingKey")
    int moveArtifact(String stagingKey, String contentKey);
}
