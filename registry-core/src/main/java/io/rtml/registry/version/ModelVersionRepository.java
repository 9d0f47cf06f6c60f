package io.rtml.registry.version;

import java.time.Instant;
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

    @Query("SELECT CASE WHEN count(v) > 0 THEN true ELSE false END FROM ModelVersion v WHERE v.artifactKey = :stagingKey AND v.artifactKey LIKE 'staging/%'")
    boolean isStagingKeyInUse(String stagingKey);

    @Modifying
    @Query("UPDATE ModelVersion v SET v.artifactKey = :contentKey WHERE v.artifactKey = :stagingKey AND v.artifactKey LIKE 'staging/%'")
    int moveArtifact(String stagingKey, String contentKey);

    /** Notes when the versions on {@code stagingKey} moved away from it, unless noted before. */
    @Modifying
    @Query(value = "INSERT INTO staging_release (staging_key, released_at) VALUES (:stagingKey, :releasedAt) ON CONFLICT DO NOTHING",
            nativeQuery = true)
    void release(String stagingKey, Instant releasedAt);

    @Query(value = "SELECT count(*) FROM staging_release WHERE staging_key = :stagingKey", nativeQuery = true)
    long countReleases(String stagingKey);

    @Query(value = "SELECT count(*) FROM staging_release WHERE staging_key = :stagingKey AND released_at < :cutoff",
            nativeQuery = true)
    long countReleasesBefore(String stagingKey, Instant cutoff);

    @Transactional
    @Modifying
    @Query(value = "DELETE FROM staging_release WHERE staging_key = :stagingKey", nativeQuery = true)
    void forgetRelease(String stagingKey);
}
