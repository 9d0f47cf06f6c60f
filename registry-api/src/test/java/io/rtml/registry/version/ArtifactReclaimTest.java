package io.rtml.registry.version;

import static io.rtml.registry.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.rtml.artifact.ArtifactStore;
import io.rtml.artifact.S3Properties;
import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.TensorProto;
import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.registry.RegistryApiTest;
import io.rtml.testing.ProtoBuilder;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Objects of deleted versions leave S3 after the grace period (here the shortest allowed: the
 * presign TTL), and only when no version refers to their content-addressed key: an identical
 * upload elsewhere keeps the object, an identical upload during the grace period cancels the
 * release, and one that races the sweep is refused and then stored anew.
 */
class ArtifactReclaimTest extends RegistryApiTest {

    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;

    @Autowired
    ArtifactStore store;

    @Autowired
    S3Properties s3;

    @Test
    void aDeletedModelsObjectsGoAfterTheGraceUnlessAnotherVersionSharesThem() throws Exception {
        byte[] shared = uniqueModel();
        byte[] own = uniqueModel();
        String deleted = model(shared, own);
        String keeper = model(shared);
        long objects = storedObjects();
        long versions = versionRows();

        assertThat(api().delete("/api/v1/models/" + deleted).status()).isEqualTo(204);
        assertThat(versionRows()).isEqualTo(versions - 2);
        assertThat(sweepAt(Duration.ZERO)).as("within the grace period").isEmpty();
        assertThat(storedObjects()).isEqualTo(objects);

        // other tests' deleted models may be past their grace at that clock too: count what the sweep named
        List<String> reclaimed = sweepAt(s3.presignTtl().plusMinutes(1));
        assertThat(reclaimed).contains(keyOf(own)).doesNotContain(keyOf(shared));
        assertThat(storedObjects()).isEqualTo(objects - reclaimed.size());
        assertThat(store.exists(keyOf(own))).isFalse();
        assertThat(store.exists(keyOf(shared))).isTrue();
        assertThat(api().get("/api/v1/models/" + keeper + "/versions/1/artifact").raw().body()).isEqualTo(shared);
        assertThat(jdbc.queryForObject("select count(*) from artifact_release where artifact_key in (?, ?)"
                + " and deleted_at is null", Long.class, keyOf(shared), keyOf(own))).as("nothing left to do for either key")
                .isZero();
        assertThat(sweepAt(s3.presignTtl().plusMinutes(2))).as("a tombstone is not swept again")
                .doesNotContain(keyOf(own));
        assertThat(sweepAt(ArtifactReclaimer.TOMBSTONE_TTL.plusMinutes(1))).doesNotContain(keyOf(own));
        assertThat(jdbc.queryForObject("select count(*) from artifact_release where artifact_key = ?", Long.class,
                keyOf(own))).as("the tombstone is purged after its time").isZero();
    }

    @Test
    void anIdenticalUploadDuringTheGracePeriodKeepsTheObject() throws Exception {
        byte[] bytes = uniqueModel();
        assertThat(api().delete("/api/v1/models/" + model(bytes)).status()).isEqualTo(204);
        String again = model(bytes);

        assertThat(sweepAt(s3.presignTtl().plusMinutes(1))).doesNotContain(keyOf(bytes));
        assertThat(api().get("/api/v1/models/" + again + "/versions/1/artifact").raw().body()).isEqualTo(bytes);
    }

    @Test
    void anUploadThatRacesTheSweepIsRefusedAndTheRepeatStoresTheBytesAgain() throws Exception {
        byte[] bytes = uniqueModel();
        assertThat(api().delete("/api/v1/models/" + model(bytes)).status()).isEqualTo(204);
        // the sweep has decided (its mark is committed) but not yet deleted the object
        jdbc.update("update artifact_release set reclaimed_at = now() where artifact_key = ?", keyOf(bytes));
        String racer = uniqueName("racer");
        api().postJson("/api/v1/models", Map.of("name", racer));
        long versions = versionRows();

        // with its SHA-256 declared, the upload finds the object still there and skips the PUT
        assertProblem(api().uploadRaw("/api/v1/models/" + racer + "/versions", bytes, "Content-SHA256", shaOf(bytes)),
                503, "STORAGE_UNAVAILABLE");
        assertThat(versionRows()).isEqualTo(versions);
        assertThat(sweepAt(Duration.ZERO)).contains(keyOf(bytes));
        assertThat(store.exists(keyOf(bytes))).isFalse();

        assertThat(api().uploadRaw("/api/v1/models/" + racer + "/versions", bytes, "Content-SHA256", shaOf(bytes))
                .status()).isEqualTo(201);
        assertThat(api().get("/api/v1/models/" + racer + "/versions/1/artifact").raw().body()).isEqualTo(bytes);
    }

    @Test
    void anUploadThatSawTheObjectBeforeTheSweepDeletedItIsRefusedWhenItClaimsAfterwards() throws Exception {
        byte[] bytes = uniqueModel();
        String key = keyOf(bytes);
        assertThat(api().delete("/api/v1/models/" + model(bytes)).status()).isEqualTo(204);
        // an upload's store() finds the object here and skips its PUT; then the whole sweep runs ...
        assertThat(store.exists(key)).isTrue();
        assertThat(sweepAt(s3.presignTtl().plusMinutes(1))).contains(key);
        assertThat(store.exists(key)).isFalse();
        // ... and only then does the upload's recording transaction claim the key
        assertThatThrownBy(() -> reclaimer(Duration.ZERO).claim(key)).isInstanceOfSatisfying(RtmlException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE));

        // the repeat finds no object, PUTs the bytes and may then claim the key
        String racer = uniqueName("racer");
        api().postJson("/api/v1/models", Map.of("name", racer));
        var again = api().uploadRaw("/api/v1/models/" + racer + "/versions", bytes, "Content-SHA256", shaOf(bytes));
        assertThat(again.status()).as(again.text()).isEqualTo(201);
        assertThat(api().get("/api/v1/models/" + racer + "/versions/1/artifact").raw().body()).isEqualTo(bytes);
        assertThat(jdbc.queryForObject("select count(*) from artifact_release where artifact_key = ?", Long.class, key))
                .as("the claim removed the tombstone").isZero();
        assertThat(sweepAt(s3.presignTtl().plusMinutes(1))).doesNotContain(key);
        assertThat(store.exists(key)).isTrue();
    }

    /** The sweep runs on the connection that holds its lock: a pool of one connection is enough. */
    @Test
    void theScheduledSweepRunsOnTheConnectionThatHoldsItsLock() throws Exception {
        byte[] bytes = uniqueModel();
        assertThat(api().delete("/api/v1/models/" + model(bytes)).status()).isEqualTo(204);
        HikariDataSource registryPool = jdbc.getDataSource().unwrap(HikariDataSource.class);

        try (HikariDataSource oneConnection = new HikariDataSource()) {
            oneConnection.setJdbcUrl(registryPool.getJdbcUrl());
            oneConnection.setUsername(registryPool.getUsername());
            oneConnection.setPassword(registryPool.getPassword());
            oneConnection.setMaximumPoolSize(1);
            oneConnection.setConnectionTimeout(1000);
            new ArtifactReclaimer(new JdbcTemplate(oneConnection), store, new ReclaimProperties(s3.presignTtl(),
                    Duration.ofHours(1)), s3, Clock.offset(Clock.systemUTC(), s3.presignTtl().plusMinutes(1)))
                    .sweepOnOneReplica();
        }

        assertThat(store.exists(keyOf(bytes))).isFalse();
    }

    private ArtifactReclaimer reclaimer(Duration ahead) {
        return new ArtifactReclaimer(jdbc, store, new ReclaimProperties(s3.presignTtl(), Duration.ofHours(1)), s3,
                Clock.offset(Clock.systemUTC(), ahead));
    }

    /** One sweep as a registry whose clock is {@code ahead} of now would run it, with the shortest grace allowed. */
    private List<String> sweepAt(Duration ahead) {
        return reclaimer(ahead).sweep();
    }

    private String model(byte[]... versions) {
        String name = uniqueName("reclaim");
        api().postJson("/api/v1/models", Map.of("name", name));
        for (byte[] bytes : versions) {
            var created = api().uploadRaw("/api/v1/models/" + name + "/versions", bytes);
            assertThat(created.status()).as(created.text()).isEqualTo(201);
        }
        return name;
    }

    /** y = Identity(x) under a graph name of its own: bytes, and so a content key, no other test uses. */
    private static byte[] uniqueModel() {
        return ProtoBuilder.model(ProtoBuilder.message()
                .message(GraphProto.NODE_FIELD_NUMBER, ProtoBuilder.node("Identity", new String[] {"x"}, "y"))
                .string(GraphProto.NAME_FIELD_NUMBER, "reclaim-" + UUID.randomUUID())
                .message(GraphProto.INPUT_FIELD_NUMBER, ProtoBuilder.tensorValue("x", FLOAT, "N", 3L))
                .message(GraphProto.OUTPUT_FIELD_NUMBER, ProtoBuilder.tensorValue("y", FLOAT, "N", 3L))).toByteArray();
    }

    private static String keyOf(byte[] bytes) throws Exception {
        return ArtifactStore.keyFor(shaOf(bytes));
    }

    private static String shaOf(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
