package io.rtml.deployer.support;

import io.rtml.artifact.ArtifactStore;
import io.rtml.deployment.DeploymentKind;
import io.rtml.deployment.Rollout;
import io.rtml.deployment.RolloutState;
import io.rtml.deployment.DeploymentRequests;
import io.rtml.deployment.NodeCredentialProperties;
import io.rtml.deployment.NodeCredentials;
import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.ModelProto;
import io.rtml.onnx.proto.TensorProto;
import io.rtml.testing.ProtoBuilder;
import io.rtml.testing.ReferenceModels;
import io.rtml.testing.TestDatabase;
import io.rtml.testing.TestS3;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Sets up registry rows with SQL, as the registry-api would: models with versions whose bytes are
 * really stored in S3 under their content key, targets and services; deployment requests and
 * rebinds through the deployment module's writer, as the registry makes them.
 */
public final class Registry {

    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;

    public final JdbcTemplate jdbc;
    private final DeploymentRequests requests;
    private final S3Client s3;

    public Registry(S3Client s3) {
        TestDatabase.Connection db = Deployers.database();
        SingleConnectionDataSource ds = new SingleConnectionDataSource(db.jdbcUrl(), db.username(), db.password(), true);
        this.jdbc = new JdbcTemplate(ds);
        this.requests = new DeploymentRequests(jdbc);
        this.s3 = s3;
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The MNIST CNN; version n > 1 appends a doc_string so every version has its own bytes and sha-256. */
    public static byte[] mnistVersion(int n) {
        byte[] base = ReferenceModels.named("pytorch_cnn_mnist").readBytes();
        if (n == 1) {
            return base;
        }
        byte[] extra = ProtoBuilder.message()
                .string(ModelProto.DOC_STRING_FIELD_NUMBER, "rtml test version " + n).toByteArray();
        byte[] all = new byte[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    /**
     * A valid model of about {@code megabytes} MB: y = Identity(x) over FLOAT [N,3], plus one large
     * FLOAT initializer that ONNX Runtime must parse; the graph name makes each version's bytes unique.
     */
    public static byte[] bigIdentityVersion(int n, int megabytes) {
        int floats = megabytes * 1_000_000 / 4;
        ProtoBuilder weights = ProtoBuilder.floatTensor("w", floats)
                .bytes(TensorProto.RAW_DATA_FIELD_NUMBER, new byte[floats * 4]);
        ProtoBuilder graph = ProtoBuilder.message()
                .message(GraphProto.NODE_FIELD_NUMBER, ProtoBuilder.node("Identity", new String[] {"x"}, "y"))
                .string(GraphProto.NAME_FIELD_NUMBER, "big-identity-v" + n)
                .message(GraphProto.INITIALIZER_FIELD_NUMBER, weights)
                .message(GraphProto.INPUT_FIELD_NUMBER, ProtoBuilder.tensorValue("x", FLOAT, "N", 3L))
                .message(GraphProto.OUTPUT_FIELD_NUMBER, ProtoBuilder.tensorValue("y", FLOAT, "N", 3L));
        return ProtoBuilder.model(graph).toByteArray();
    }

    public long model(String name) {
        return jdbc.queryForObject("""
                INSERT INTO registered_model (name, created_at, created_by, updated_at)
                VALUES (?, now(), 'test', now()) RETURNING id""", Long.class, name);
    }

    /** Stores the bytes in S3 under their content key and records the version row. */
    public void version(long modelId, int version, byte[] bytes) {
        String sha = sha256(bytes);
        String key = ArtifactStore.keyFor(sha);
        s3.putObject(b -> b.bucket(TestS3.BUCKET).key(key).contentLength((long) bytes.length),
                RequestBody.fromBytes(bytes));
        jdbc.update("""
                INSERT INTO model_version (model_id, version, sha256, size_bytes, artifact_key, signature,
                                           created_at, created_by, updated_at)
                VALUES (?, ?, ?, ?, ?, '{}'::jsonb, now(), 'test', now())""", modelId, version, sha, bytes.length, key);
        jdbc.update("UPDATE registered_model SET latest_version = greatest(latest_version, ?) WHERE id = ?", version,
                modelId);
    }

    /** A version with an example request (JSON), as the registry stores one it checked. */
    public void version(long modelId, int version, byte[] bytes, String example) {
        version(modelId, version, bytes);
        jdbc.update("UPDATE model_version SET example = ?::jsonb WHERE model_id = ? AND version = ?", example, modelId,
                version);
    }

    public long target(String name, String kind, String baseUrl) {
        return jdbc.queryForObject("""
                INSERT INTO target (name, kind, region, base_url, created_at, created_by, updated_at)
                VALUES (?, ?, 'test', ?, now(), 'test', now()) RETURNING id""", Long.class, name, kind, baseUrl);
    }

    /** A live registry API token with one role, stored as the registry stores it (its SHA-256); returns the secret. */
    public String apiToken(String role, String... scopes) {
        String secret = "rtml_test_" + UUID.randomUUID().toString().replace("-", "");
        jdbc.update("""
                INSERT INTO api_token (name, secret_hash, prefix, roles, scopes, created_at, created_by)
                VALUES (?, ?, ?, ?::jsonb, ?::jsonb, now(), 'test')""", unique(role), sha256(secret.getBytes(
                java.nio.charset.StandardCharsets.UTF_8)), secret.substring(0, 12), "[\"" + role + "\"]",
                java.util.Arrays.stream(scopes).map(s -> "\"" + s + "\"").collect(java.util.stream.Collectors.joining(",", "[", "]")));
        return secret;
    }

    /**
     * Gives the target a node credential as the registry does (salt and hash stored, the
     * credential returned once) and returns it.
     */
    public String issueNodeCredential(long targetId) {
        String name = jdbc.queryForObject("SELECT name FROM target WHERE id = ?", String.class, targetId);
        String salt = NodeCredentials.newSalt();
        String credential = new NodeCredentials(new NodeCredentialProperties(Deployers.NODE_CREDENTIAL_KEY))
                .derive(name, salt);
        jdbc.update("UPDATE target SET node_credential_salt = ?, node_credential_hash = ? WHERE id = ?", salt,
                NodeCredentials.hash(credential), targetId);
        return credential;
    }

    public void moveTarget(long targetId, String baseUrl) {
        jdbc.update("UPDATE target SET base_url = ? WHERE id = ?", baseUrl, targetId);
    }

    public long service(String name, long modelId) {
        return jdbc.queryForObject("""
                INSERT INTO service (name, model_id, created_at, created_by)
                VALUES (?, ?, now(), 'test') RETURNING id""", Long.class, name, modelId);
    }

    /** A deployment request as the registry records it, with the deployment module's writer. */
    public long deploy(long serviceId, String kind, int version, List<Long> targetIds) {
        return request(serviceId, DeploymentKind.valueOf(kind), version, false, targetIds);
    }

    /** A DEPLOY rolled out by {@code rollout} (validated and normalised, as the registry stores it). */
    public long deploy(long serviceId, int version, List<Long> targetIds, Rollout rollout) {
        String service = jdbc.queryForObject("SELECT name FROM service WHERE id = ?", String.class, serviceId);
        List<String> names = targetIds.stream().map(id -> jdbc.queryForObject("SELECT name FROM target WHERE id = ?",
                String.class, id)).toList();
        return inTransaction(() -> requests.start(serviceId, service, DeploymentKind.DEPLOY, version, false,
                targetIds, names, new DeploymentRequests.Requester("alice", null), Instant.now(), java.util.Map.of(),
                rollout));
    }

    /**
     * A DEPLOY in waves, placed as the registry places them ({@link io.rtml.deployment.WavePlan#assign},
     * targets by name); returns the deployment's id.
     */
    public long deploy(long serviceId, int version, List<Long> targetIds, io.rtml.deployment.WavePlan plan) {
        String service = jdbc.queryForObject("SELECT name FROM service WHERE id = ?", String.class, serviceId);
        List<io.rtml.deployment.WavePlan.Candidate> candidates = jdbc.query("""
                SELECT id, name, kind, region, labels::text AS labels FROM target WHERE id = ANY(?) ORDER BY name""",
                (rs, n) -> new io.rtml.deployment.WavePlan.Candidate(rs.getLong("id"),
                        io.rtml.deployment.LabelSelector.attributes(rs.getString("name"), rs.getString("kind"),
                                rs.getString("region"), labels(rs.getString("labels")))),
                (Object) targetIds.toArray(Long[]::new));
        Map<Long, Integer> waveOf = plan.assign(candidates);
        List<Long> ids = List.copyOf(waveOf.keySet());
        List<String> names = ids.stream().map(id -> jdbc.queryForObject("SELECT name FROM target WHERE id = ?",
                String.class, id)).toList();
        return inTransaction(() -> requests.start(serviceId, service, DeploymentKind.DEPLOY, version, false, ids,
                names, new DeploymentRequests.Requester("alice", null), Instant.now(), Map.of(), null,
                new DeploymentRequests.Fleet(plan, waveOf, null)));
    }

    /**
     * A ROLLBACK to {@code version} on {@code targetIds}, as POST /services/{s}/rollback records one: with
     * {@code offline} a one-wave plan carrying that policy, without it (null) all or nothing.
     */
    public long rollback(long serviceId, int version, List<Long> targetIds, String offline) {
        String service = jdbc.queryForObject("SELECT name FROM service WHERE id = ?", String.class, serviceId);
        List<String> names = targetIds.stream().map(id -> jdbc.queryForObject("SELECT name FROM target WHERE id = ?",
                String.class, id)).toList();
        io.rtml.deployment.WavePlan plan = offline == null ? null : io.rtml.deployment.WavePlan.single(0, offline);
        return inTransaction(() -> requests.start(serviceId, service, DeploymentKind.ROLLBACK, version, false,
                targetIds, names, new DeploymentRequests.Requester("alice", null), Instant.now(), Map.of(), null,
                new DeploymentRequests.Fleet(plan, Map.of(), null)));
    }

    private static Map<String, String> labels(String json) {
        return tools.jackson.databind.json.JsonMapper.builder().build().readValue(json,
                new tools.jackson.core.type.TypeReference<Map<String, String>>() {});
    }

    /** A target with labels, as POST /api/v1/targets records one. */
    public long target(String name, String kind, String baseUrl, String labelsJson) {
        return jdbc.queryForObject("""
                INSERT INTO target (name, kind, region, base_url, labels, created_at, created_by, updated_at)
                VALUES (?, ?, 'test', ?, ?::jsonb, now(), 'test', now()) RETURNING id""", Long.class, name, kind,
                baseUrl, labelsJson);
    }

    /** What the registry's service create or update with a selector records. */
    public void follow(long serviceId, String selector) {
        jdbc.update("UPDATE service SET selector = ? WHERE id = ?", selector, serviceId);
    }

    /** POST .../promote or .../abort as the registry records it; false when not rolling out. */
    public boolean decide(long serviceId, long deploymentId, String decision) {
        String service = jdbc.queryForObject("SELECT name FROM service WHERE id = ?", String.class, serviceId);
        return inTransaction(() -> requests.decide(serviceId, service, deploymentId, decision,
                new DeploymentRequests.Requester("bob", null), Instant.now()));
    }

    /** The deployment's rollout state as the deployer recorded it (null before its first step). */
    public RolloutState rollout(long deploymentId) {
        return RolloutState.fromJson(jdbc.queryForObject("SELECT rollout_state::text FROM deployment WHERE id = ?",
                String.class, deploymentId));
    }

    /** An UNDEPLOY as the registry records it (version 0); {@code deletesService} as DELETE /services/{name} asks. */
    public long undeploy(long serviceId, List<Long> targetIds, boolean deletesService) {
        return request(serviceId, DeploymentKind.UNDEPLOY, 0, deletesService, targetIds);
    }

    /** An UNDEPLOY with an offline policy, as the registry records {@code {"kind":"UNDEPLOY","offline":…}}. */
    public long undeploy(long serviceId, List<Long> targetIds, String offline) {
        String service = jdbc.queryForObject("SELECT name FROM service WHERE id = ?", String.class, serviceId);
        List<String> names = targetIds.stream().map(id -> jdbc.queryForObject("SELECT name FROM target WHERE id = ?",
                String.class, id)).toList();
        return inTransaction(() -> requests.start(serviceId, service, DeploymentKind.UNDEPLOY, 0, false, targetIds,
                names, new DeploymentRequests.Requester("alice", null), Instant.now(), Map.of(), null,
                new DeploymentRequests.Fleet(io.rtml.deployment.WavePlan.single(0, offline), Map.of(), null)));
    }

    private long request(long serviceId, DeploymentKind kind, int version, boolean deletesService,
            List<Long> targetIds) {
        String service = jdbc.queryForObject("SELECT name FROM service WHERE id = ?", String.class, serviceId);
        List<String> names = targetIds.stream().map(id -> jdbc.queryForObject("SELECT name FROM target WHERE id = ?",
                String.class, id)).toList();
        return inTransaction(() -> requests.start(serviceId, service, kind, version, deletesService, targetIds, names,
                new DeploymentRequests.Requester("alice", null), Instant.now()));
    }

    /** What PATCH /services/{name} with another model does: rebinds the service and forgets its versions. */
    public void rebind(long serviceId, long modelId) {
        inTransaction(() -> {
            jdbc.update("UPDATE service SET model_id = ? WHERE id = ?", modelId, serviceId);
            requests.forgetVersions(serviceId);
            return null;
        });
    }

    public long count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Long.class, args);
    }

    public String status(long deploymentId) {
        return jdbc.queryForObject("SELECT status FROM deployment WHERE id = ?", String.class, deploymentId);
    }

    public Map<String, Object> deployment(long deploymentId) {
        return jdbc.queryForMap("SELECT * FROM deployment WHERE id = ?", deploymentId);
    }

    public List<String> targetStatuses(long deploymentId) {
        return jdbc.queryForList("SELECT status FROM deployment_target WHERE deployment_id = ? ORDER BY target_id",
                String.class, deploymentId);
    }

    public List<Map<String, Object>> serviceTargets(long serviceId) {
        return jdbc.queryForList("SELECT * FROM service_target WHERE service_id = ? ORDER BY target_id", serviceId);
    }

    public long audits(String service, String action) {
        return jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE entity_name = ? AND action = ?",
                Long.class, service, action);
    }

    private <T> T inTransaction(java.util.function.Supplier<T> work) {
        jdbc.execute("BEGIN");
        try {
            T result = work.get();
            jdbc.execute("COMMIT");
            return result;
        } catch (RuntimeException e) {
            jdbc.execute("ROLLBACK");
            throw e;
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
