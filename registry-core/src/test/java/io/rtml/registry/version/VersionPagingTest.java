package io.rtml.registry.version;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.registry.RegistryJpaTest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.domain.Limit;
import org.springframework.jdbc.core.JdbcTemplate;

/** The version listing's keyset pages, newest first, with and without a tag filter, on PostgreSQL. */
class VersionPagingTest extends RegistryJpaTest {

    @Autowired
    ModelVersionRepository versions;

    @Autowired
    JdbcTemplate jdbc;

    /** The smallest signature a version can have: no metadata, no inputs or outputs. */
    private static final String SIGNATURE = "{\"irVersion\":8,\"opsetImports\":[],\"inputs\":[],\"outputs\":[],\"metadata\":{}}";

    private long modelId;

    @BeforeEach
    void modelWithTenVersions() {
        modelId = jdbc.queryForObject("INSERT INTO registered_model (name, description, tags, latest_version, created_at,"
                + " created_by, updated_at) VALUES (?, '', '{}', 10, now(), 't', now()) RETURNING id", Long.class,
                "v" + UUID.randomUUID().toString().substring(0, 8));
        for (int v = 1; v <= 10; v++) {
            String sha = "%064x".formatted(v);
            jdbc.update("INSERT INTO model_version (model_id, version, tags, sha256, size_bytes, artifact_key, signature,"
                    + " created_at, created_by, updated_at) VALUES (?, ?, CAST(? AS jsonb), ?, 1, ?, CAST(? AS jsonb), now(), 't', now())",
                    modelId, v, "{\"parity\":\"" + (v % 2 == 0 ? "even" : "odd") + "\",\"run\":\"r" + v + "\"}", sha,
                    "artifacts/sha256/" + sha, SIGNATURE);
        }
    }

    @Test
    void pagesNewestFirstBelowTheLastVersionSeen() {
        assertThat(numbers(versions.findByModelIdAndVersionLessThanOrderByVersionDesc(modelId, Integer.MAX_VALUE,
                Limit.of(4)))).containsExactly(10, 9, 8, 7);
        assertThat(numbers(versions.findByModelIdAndVersionLessThanOrderByVersionDesc(modelId, 7, Limit.of(4))))
                .containsExactly(6, 5, 4, 3);
        assertThat(numbers(versions.findByModelIdAndVersionLessThanOrderByVersionDesc(modelId, 3, Limit.of(4))))
                .containsExactly(2, 1);
    }

    @Test
    void aTagFilterMatchesEveryGivenTagAndPagesTheSameWay() {
        assertThat(numbers(versions.findTaggedPage(modelId, Integer.MAX_VALUE, "{\"parity\":\"even\"}", 3)))
                .containsExactly(10, 8, 6);
        assertThat(numbers(versions.findTaggedPage(modelId, 6, "{\"parity\":\"even\"}", 3))).containsExactly(4, 2);
        assertThat(numbers(versions.findTaggedPage(modelId, Integer.MAX_VALUE, "{\"parity\":\"odd\",\"run\":\"r7\"}", 3)))
                .containsExactly(7);
        assertThat(versions.findTaggedPage(modelId, Integer.MAX_VALUE, "{\"parity\":\"odd\",\"run\":\"r8\"}", 3)).isEmpty();
    }

    @Test
    void findsOneVersionOfOneModel() {
        assertThat(versions.findByModelIdAndVersion(modelId, 5)).map(ModelVersion::version).contains(5);
        assertThat(versions.findByModelIdAndVersion(modelId, 11)).isEmpty();
        assertThat(versions.findByModelIdAndVersion(modelId + 1_000_000, 5)).isEmpty();
    }

    private static List<Integer> numbers(List<ModelVersion> page) {
        return page.stream().map(ModelVersion::version).toList();
    }
}
