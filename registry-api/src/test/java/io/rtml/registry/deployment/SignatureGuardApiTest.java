package io.rtml.registry.deployment;

import static io.rtml.registry.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.onnx.proto.AttributeProto;
import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.NodeProto;
import io.rtml.onnx.proto.TensorProto;
import io.rtml.registry.RegistryApiTest;
import io.rtml.testing.ProtoBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The signature guard on deployments, end to end: real ONNX models (built with {@link ProtoBuilder},
 * each loaded by ONNX Runtime at upload) whose signatures differ from the active version's in one
 * way each. Version 1 of every test's model is {@code y = Identity(x)}, x and y FLOAT [N, 3].
 */
class SignatureGuardApiTest extends RegistryApiTest {

    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    private static final int INT64 = TensorProto.DataType.INT64_VALUE;

    private String model;
    private String service;
    private String hub;
    private String edge;

    @BeforeEach
    void modelServiceAndTargets() {
        model = uniqueName("guarded");
        service = uniqueName("guarded-svc");
        hub = uniqueName("hub");
        edge = uniqueName("edge");
        api().postJson("/api/v1/models", Map.of("name", model));
        upload(identity("x", "y", FLOAT, "N", 3L));
        api().postJson("/api/v1/targets", Map.of("name", hub, "kind", "HUB", "region", "central",
                "baseUrl", "http://127.0.0.1:1"));
        api().postJson("/api/v1/targets", Map.of("name", edge, "kind", "EDGE", "region", "eu",
                "baseUrl", "http://127.0.0.1:2"));
        assertThat(api().postJson("/api/v1/services", Map.of("name", service, "model", model)).status()).isEqualTo(201);
    }

    @Test
    void aRenamedInputIsAMissingInputAndANewOne() {
        finish(deploy(1));
        upload(identity("z", "y", FLOAT, "N", 3L));

        JsonNode refused = refused(2);

        assertThat(kinds(refused)).containsExactlyInAnyOrder("MISSING_INPUT x", "NEW_INPUT z");
        assertThat(refused.path("detail").asString()).contains("input 'x' is missing (active version 1)")
                .contains("\"allowSignatureChange\": true");
    }

    @Test
    void anAddedInputIsRefusedSinceCallersDoNotSendIt() {
        finish(deploy(1));
        upload(ProtoBuilder.model(ProtoBuilder.message()
                .message(GraphProto.NODE_FIELD_NUMBER, ProtoBuilder.node("Add", new String[] {"x", "bias"}, "y"))
                .string(GraphProto.NAME_FIELD_NUMBER, "add")
                .message(GraphProto.INPUT_FIELD_NUMBER, ProtoBuilder.tensorValue("x", FLOAT, "N", 3L))
                .message(GraphProto.INPUT_FIELD_NUMBER, ProtoBuilder.tensorValue("bias", FLOAT, "N", 3L))
                .message(GraphProto.OUTPUT_FIELD_NUMBER, ProtoBuilder.tensorValue("y", FLOAT, "N", 3L))).toByteArray());

        assertThat(kinds(refused(2))).containsExactly("NEW_INPUT bias");
    }

    @Test
    void aChangedDatatypeIsRefusedForInputAndOutput() {
        finish(deploy(1));
        upload(identity("x", "y", INT64, "N", 3L));

        JsonNode refused = refused(2);

        assertThat(kinds(refused)).containsExactlyInAnyOrder("INPUT_TYPE_CHANGED x", "OUTPUT_TYPE_CHANGED y");
        assertThat(refused.path("detail").asString())
                .contains("input 'x' changes type from tensor(float) FP32 to tensor(int64) INT64");
    }

    @Test
    void anOutputOfAnotherDatatypeAloneIsRefused() {
        finish(deploy(1));
        ProtoBuilder castToInt64 = ProtoBuilder.node("Cast", new String[] {"x"}, "y")
                .message(NodeProto.ATTRIBUTE_FIELD_NUMBER, ProtoBuilder.message().string(AttributeProto.NAME_FIELD_NUMBER, "to")
                        .varint(AttributeProto.I_FIELD_NUMBER, INT64)
                        .varint(AttributeProto.TYPE_FIELD_NUMBER, AttributeProto.AttributeType.INT_VALUE));
        upload(ProtoBuilder.model(ProtoBuilder.message()
                .message(GraphProto.NODE_FIELD_NUMBER, castToInt64)
                .string(GraphProto.NAME_FIELD_NUMBER, "cast")
                .message(GraphProto.INPUT_FIELD_NUMBER, ProtoBuilder.tensorValue("x", FLOAT, "N", 3L))
                .message(GraphProto.OUTPUT_FIELD_NUMBER, ProtoBuilder.tensorValue("y", INT64, "N", 3L))).toByteArray());

        assertThat(kinds(refused(2))).containsExactly("OUTPUT_TYPE_CHANGED y");
    }

    @Test
    void aFixedDimensionThatChangesIsRefused() {
        finish(deploy(1));
        upload(identity("x", "y", FLOAT, "N", 4L));

        JsonNode refused = refused(2);

        assertThat(kinds(refused)).containsExactlyInAnyOrder("INPUT_SHAPE_CHANGED x", "OUTPUT_SHAPE_CHANGED y");
        assertThat(refused.path("detail").asString()).contains("input 'x' changes shape from [N, 3] to [N, 4]");
    }

    @Test
    void aMissingOutputIsRefusedAndTheNewOneBesideItIsNotListed() {
        finish(deploy(1));
        upload(identity("x", "w", FLOAT, "N", 3L));

        assertThat(kinds(refused(2))).containsExactly("MISSING_OUTPUT y");
    }

    @Test
    void aNewOutputAndAFixedBatchWhereTheActiveOneIsSymbolicAreCompatible() {
        finish(deploy(1));
        upload(ProtoBuilder.model(ProtoBuilder.message()
                .message(GraphProto.NODE_FIELD_NUMBER, ProtoBuilder.node("Identity", new String[] {"x"}, "y"))
                .message(GraphProto.NODE_FIELD_NUMBER, ProtoBuilder.node("Identity", new String[] {"x"}, "copy"))
                .string(GraphProto.NAME_FIELD_NUMBER, "two-outputs")
                .message(GraphProto.INPUT_FIELD_NUMBER, ProtoBuilder.tensorValue("x", FLOAT, 1L, 3L))
                .message(GraphProto.OUTPUT_FIELD_NUMBER, ProtoBuilder.tensorValue("y", FLOAT, 1L, 3L))
                .message(GraphProto.OUTPUT_FIELD_NUMBER, ProtoBuilder.tensorValue("copy", FLOAT, 1L, 3L))).toByteArray());

        assertThat(deploy(2)).isPositive();
        assertThat(auditDetails(2).has("allowSignatureChange")).isFalse();
    }

    @Test
    void allowSignatureChangeDeploysAnywayAndTheAuditEventSaysSo() {
        finish(deploy(1));
        upload(identity("z", "y", FLOAT, "N", 3L));

        var accepted = api().postJson("/api/v1/services/" + service + "/deployments",
                Map.of("version", 2, "allowSignatureChange", true));

        assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
        JsonNode details = auditDetails(2);
        assertThat(details.path("allowSignatureChange").asBoolean()).isTrue();
        assertThat(details.path("signatureDifferences").toString()).contains("input 'x' is missing (active version 1)")
                .contains("new input 'z'");
    }

    @Test
    void theFirstDeploymentOfAServiceIsNeverGuarded() {
        upload(identity("z", "y", INT64, "N", 4L));

        assertThat(deploy(2)).isPositive();
        assertThat(auditDetails(2).has("allowSignatureChange")).isFalse();
    }

    @Test
    void aRollbackIsNotGuarded() {
        finish(deploy(1));
        upload(identity("z", "y", FLOAT, "N", 3L));
        finish(deploy(Map.of("version", 2, "allowSignatureChange", true)));

        var rollback = api().postJson("/api/v1/services/" + service + "/rollback", Map.of());

        assertThat(rollback.status()).as(rollback.text()).isEqualTo(202);
        assertThat(rollback.json().path("version").asInt()).isEqualTo(1);
    }

    @Test
    void aRollbackByNumberToThePreviousVersionIsNotGuarded() {
        finish(deploy(1));
        upload(identity("z", "y", FLOAT, "N", 3L));
        finish(deploy(Map.of("version", 2, "allowSignatureChange", true)));

        var rollback = api().postJson("/api/v1/services/" + service + "/rollback", Map.of("toVersion", 1));

        assertThat(rollback.status()).as(rollback.text()).isEqualTo(202);
    }

    @Test
    void aRollbackToAVersionThatNeverServedIsGuardedLikeADeployment() {
        finish(deploy(1));
        upload(identity("z", "y", FLOAT, "N", 3L));
        long before = jdbc.queryForObject("select count(*) from deployment", Long.class);

        JsonNode refused = assertProblem(api().postJson("/api/v1/services/" + service + "/rollback",
                Map.of("toVersion", 2)), 409, "SIGNATURE_INCOMPATIBLE");

        assertThat(kinds(refused)).containsExactlyInAnyOrder("MISSING_INPUT x", "NEW_INPUT z");
        assertThat(jdbc.queryForObject("select count(*) from deployment", Long.class)).isEqualTo(before);
        var allowed = api().postJson("/api/v1/services/" + service + "/rollback",
                Map.of("toVersion", 2, "allowSignatureChange", true));
        assertThat(allowed.status()).as(allowed.text()).isEqualTo(202);
        assertThat(jdbc.queryForObject("select details->>'allowSignatureChange' from audit_event where entity_name = ?"
                + " and action = 'rollback.request' order by id desc limit 1", String.class, service)).isEqualTo("true");
    }

    @Test
    void targetsThatDisagreeAreComparedWithEachActiveVersion() {
        finish(deploy(Map.of("version", 1, "targets", List.of(hub, edge))));
        upload(identity("x", "y", FLOAT, "N", 4L));
        finish(deploy(Map.of("version", 2, "targets", List.of(edge), "allowSignatureChange", true)));
        upload(identity("x", "y", FLOAT, "N", 3L));

        JsonNode refused = refused(3);

        assertThat(refused.path("differences")).extracting(d -> d.path("activeVersion").asInt() + " " + d.path("kind")
                .asString()).containsExactlyInAnyOrder("2 INPUT_SHAPE_CHANGED", "2 OUTPUT_SHAPE_CHANGED");
    }

    @Test
    void theFirstDeploymentAfterARebindIsComparedWithTheVersionOfTheOldModelThatStillRuns() {
        finish(deploy(1));
        String other = uniqueName("other");
        api().postJson("/api/v1/models", Map.of("name", other));
        uploadTo(other, identity("x", "y", FLOAT, "N", 3L));
        assertThat(api().patchJson("/api/v1/services/" + service, Map.of("model", other)).status()).isEqualTo(200);
        uploadTo(other, identity("z", "y", FLOAT, "N", 3L));

        JsonNode refused = refused(2);

        assertThat(kinds(refused)).containsExactlyInAnyOrder("MISSING_INPUT x", "NEW_INPUT z");
        assertThat(refused.path("differences").get(0).path("activeVersion").asInt()).isEqualTo(1);
        assertThat(deploy(1)).isPositive();
    }

    @Test
    void aRebindComparesFixedDimensionsToo() {
        finish(deploy(1));
        String wider = uniqueName("wider");
        api().postJson("/api/v1/models", Map.of("name", wider));
        var upload = api().uploadRaw("/api/v1/models/" + wider + "/versions", identity("x", "y", FLOAT, "N", 4L));
        assertThat(upload.status()).as(upload.text()).isEqualTo(201);

        JsonNode refused = assertProblem(api().patchJson("/api/v1/services/" + service, Map.of("model", wider)),
                409, "SIGNATURE_MISMATCH");

        assertThat(refused.path("detail").asString()).contains("input 'x' changes shape from [N, 3] to [N, 4]")
                .contains("output 'y' changes shape from [N, 3] to [N, 4]");
    }

    private JsonNode refused(int version) {
        long before = jdbc.queryForObject("select count(*) from deployment", Long.class);
        JsonNode problem = assertProblem(api().postJson("/api/v1/services/" + service + "/deployments",
                Map.of("version", version)), 409, "SIGNATURE_INCOMPATIBLE");
        assertThat(jdbc.queryForObject("select count(*) from deployment", Long.class)).isEqualTo(before);
        return problem;
    }

    private static List<String> kinds(JsonNode problem) {
        return problem.path("differences").valueStream()
                .peek(d -> assertThat(d.path("message").asString()).contains("'" + d.path("value").asString() + "'"))
                .map(d -> d.path("kind").asString() + " " + d.path("value").asString()).toList();
    }

    private long deploy(int version) {
        return deploy(Map.of("version", version));
    }

    private long deploy(Map<String, Object> body) {
        var response = api().postJson("/api/v1/services/" + service + "/deployments", body);
        assertThat(response.status()).as(response.text()).isEqualTo(202);
        return response.json().path("id").asLong();
    }

    private JsonNode auditDetails(int version) {
        String details = jdbc.queryForObject("select details::text from audit_event where entity_name = ?"
                + " and action = 'deployment.request' and (details->>'version')::int = ? order by id desc limit 1",
                String.class, service, version);
        return JsonMapper.builder().build().readTree(details);
    }

    private void upload(byte[] onnx) {
        uploadTo(model, onnx);
    }

    private void uploadTo(String modelName, byte[] onnx) {
        var response = api().uploadRaw("/api/v1/models/" + modelName + "/versions", onnx);
        assertThat(response.status()).as(response.text()).isEqualTo(201);
    }

    /** {@code out = Identity(in)}, both of {@code elementType} and shape {@code [batch, width]}. */
    private static byte[] identity(String in, String out, int elementType, Object batch, long width) {
        return ProtoBuilder.model(ProtoBuilder.message()
                .message(GraphProto.NODE_FIELD_NUMBER, ProtoBuilder.node("Identity", new String[] {in}, out))
                .string(GraphProto.NAME_FIELD_NUMBER, "identity")
                .message(GraphProto.INPUT_FIELD_NUMBER, ProtoBuilder.tensorValue(in, elementType, batch, width))
                .message(GraphProto.OUTPUT_FIELD_NUMBER, ProtoBuilder.tensorValue(out, elementType, batch, width)))
                .toByteArray();
    }
}
