package io.rtml.registry.model;

import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

public interface RegisteredModelRepository extends JpaRepository<RegisteredModel, Long> {

    Optional<RegisteredModel> findByName(String name);

    boolean existsByName(String name);

    /** Locks the model row: serialises version numbering and alias changes of one model. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select m from RegisteredModel m where m.name = :name")
    Optional<RegisteredModel> lockByName(String name);

    /** The services of the gallery bound to the model: they keep it from being deleted. */
    @Query(value = "select name from service where model_id = :modelId order by name", nativeQuery = true)
    List<String> findServiceNamesUsing(Long modelId);

    /**
     * Notes the artifacts of the model's versions as released at {@code now}, before the versions go:
     * the reclaimer deletes each object after its grace period if no version refers to it then.
     */
    @Modifying
    @Query(value = """
            INSERT INTO artifact_release (artifact_key, released_at)
            SELECT DISTINCT artifact_key, CAST(:now AS timestamptz) FROM model_version
            WHERE model_id = :modelId
            ON CONFLICT (artifact_key) DO UPDATE SET released_at = EXCLUDED.released_at
            WHERE artifact_release.reclaimed_at IS NULL""", nativeQuery = true)
    int releaseArtifacts(Long modelId, Instant now);
}
