package io.rtml.registry.target;

import static io.rtml.registry.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.deployment.NodeCredentialProperties;
import io.rtml.deployment.NodeCredentials;
import io.rtml.registry.ApiClient;
import io.rtml.registry.RegistryApiTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue 13, item 1: a deployer token must not become admin of every node. Each target gets its
 * own node credential (shown once, stored hashed), base URLs must pass the allow-list, and URLs
 * never carry credentials.
 */
class TargetCredentialTest extends RegistryApiTest {

    @Test
    void eachTargetGetsItsOwnCredentialOnceAndOnlyItsHashIsStored() {
        String a = uniqueName("edge-a");
        String b = uniqueName("edge-b");
        String credentialA = register(api(), a, "http://127.0.0.1:7001");
        String credentialB = register(api(), b, "http://127.0.0.1:7002");

        assertThat(credentialA).startsWith("rtml_node_").isNotEqualTo(credentialB);
        assertThat(api().get("/api/v1/targets/" + a).json().has("nodeCredential")).isFalse();
        assertThat(api().get("/api/v1/targets").text()).doesNotContain(credentialA).doesNotContain(credentialB);
        Map<String, Object> row = jdbc.queryForMap("select * from target where name = ?", a);
        assertThat(row.get("node_credential_hash")).isEqualTo(NodeCredentials.hash(credentialA));
        assertThat(row.values()).noneMatch(v -> v != null && v.toString().contains(credentialA));
        assertThat(credentialA).isEqualTo(new NodeCredentials(new NodeCredentialProperties(NODE_CREDENTIAL_KEY))
                .derive(a, (String) row.get("node_credential_salt")));
    }

    @Test
    void aNodeCredentialReadsItsOwnDesiredStateAndNothingElse() {
        String mine = uniqueName("edge-mine");
        String other = uniqueName("edge-other");
        String credential = register(api(), mine, "http://127.0.0.1:7003");
        register(api(), other, "http://127.0.0.1:7004");
        ApiClient node = api(credential);

        assertThat(node.get("/api/v1/targets/" + mine + "/desired-state").status()).isEqualTo(200);
        assertProblem(node.get("/api/v1/targets/" + other + "/desired-state"), 403, "FORBIDDEN");
        assertProblem(node.get("/api/v1/models"), 403, "FORBIDDEN");
        assertProblem(node.get("/api/v1/targets"), 403, "FORBIDDEN");
        assertProblem(node.get("/api/v1/targets/" + mine), 403, "FORBIDDEN");
        assertProblem(node.get("/api/v1/audit"), 403, "FORBIDDEN");
        assertProblem(node.get("/api/v1/services"), 403, "FORBIDDEN");
        assertProblem(node.postJson("/api/v1/services", Map.of("name", mine, "model", "anything")), 403, "FORBIDDEN");
        assertProblem(node.postJson("/api/v1/targets", Map.of("name", uniqueName("t"), "kind", "EDGE",
                "region", "x", "baseUrl", "http://127.0.0.1:7005")), 403, "FORBIDDEN");
        assertProblem(node.postJson("/api/v1/tokens", Map.of("name", "x", "roles", List.of("admin"))), 403, "FORBIDDEN");
        assertThat(api().get("/api/v1/audit?pageSize=1").json().path("items").get(0).path("actor").asString())
                .isEqualTo("node:" + mine);
    }

    @Test
    void nobodyMintsAnApiTokenWithTheNodeRole() {
        assertProblem(api().postJson("/api/v1/tokens", Map.of("name", uniqueName("n"), "roles", List.of("node"))),
                400, "VALIDATION_FAILED");
    }

    @Test
    void baseUrlsOutsideTheAllowListAreRefused() {
        for (String url : List.of("http://evil.example.com", "http://10.1.2.3:8090", "http://169.254.169.254",
                "https://[fd00::1]:8090", "ftp://127.0.0.1:21", "file:///etc/passwd", "http://127.0.0.1.evil.example",
                "http://[::ffff:10.0.0.1]:80")) {
            var response = api().postJson("/api/v1/targets", Map.of("name", uniqueName("t"), "kind", "EDGE",
                    "region", "x", "baseUrl", url));
            assertThat(response.status()).as(url + " -> " + response.text()).isEqualTo(400);
            assertThat(response.json().path("code").asString()).isIn("VALIDATION_FAILED", "MALFORMED_REQUEST");
        }
        assertThat(api().postJson("/api/v1/targets", Map.of("name", uniqueName("t"), "kind", "EDGE", "region", "x",
                "baseUrl", "http://[::1]:7006")).status()).isEqualTo(201);
    }

    @Test
    void credentialsInUrlsAreRefusedAndNeverEchoed() {
        String name = uniqueName("edge-pw");
        register(api(), name, "http://127.0.0.1:7007");
        String viewer = api().postJson("/api/v1/tokens", Map.of("name", uniqueName("v"), "roles", List.of("viewer")))
                .json().path("secret").asString();
        for (String url : List.of("http://admin:hunter2-SECRET@127.0.0.1:7008", "http://hunter2-SECRET@127.0.0.1:7008",
                "http://127.0.0.1:7008/?token=hunter2-SECRET", "http://127.0.0.1:7008/#hunter2-SECRET")) {
            var created = api().postJson("/api/v1/targets", Map.of("name", uniqueName("t"), "kind", "EDGE",
                    "region", "x", "baseUrl", url));
            assertProblem(created, 400, "VALIDATION_FAILED");
            assertThat(created.text()).doesNotContain("hunter2");
            var moved = api().patchJson("/api/v1/targets/" + name, Map.of("baseUrl", url));
            assertProblem(moved, 400, "VALIDATION_FAILED");
            assertThat(moved.text()).doesNotContain("hunter2");
        }
        assertThat(api(viewer).get("/api/v1/audit?pageSize=100").text()).doesNotContain("hunter2");
        assertThat(api(viewer).get("/api/v1/targets").text()).doesNotContain("hunter2");
        assertThat(jdbc.queryForObject("select count(*) from target where base_url like '%hunter2%'", Long.class))
                .isZero();
    }

    @Test
    void aTargetStoredWithAPasswordBeforeTheseChecksIsShownWithoutIt() {
        String name = uniqueName("edge-legacy");
        jdbc.update("""
                insert into target (name, kind, region, base_url, created_at, created_by, updated_at)
                values (?, 'EDGE', 'eu', 'http://admin:hunter2-OLD@127.0.0.1:7011/?key=hunter2-OLD', now(), 'sql', now())""",
                name);
        String viewer = api().postJson("/api/v1/tokens", Map.of("name", uniqueName("v"), "roles", List.of("viewer")))
                .json().path("secret").asString();

        assertThat(api(viewer).get("/api/v1/targets/" + name).json().path("baseUrl").asString())
                .isEqualTo("http://127.0.0.1:7011/");
        assertThat(api(viewer).get("/api/v1/targets").text()).doesNotContain("hunter2");
    }

    @Test
    void movingATargetIsAnAdminsChangeAndGivesItANewCredential() {
        String name = uniqueName("edge-move");
        String old = register(api(), name, "http://127.0.0.1:7009");
        String deployer = api().postJson("/api/v1/tokens", Map.of("name", uniqueName("d"), "roles",
                List.of("deployer"))).json().path("secret").asString();

        assertProblem(api(deployer).patchJson("/api/v1/targets/" + name, Map.of("baseUrl", "http://127.0.0.1:7666")),
                403, "FORBIDDEN");
        assertThat(api(deployer).patchJson("/api/v1/targets/" + name, Map.of("region", "north")).status())
                .isEqualTo(200);
        assertProblem(api(deployer).postJson("/api/v1/targets/" + name + "/node-credential", Map.of()), 403,
                "FORBIDDEN");
        assertThat(api().get("/api/v1/targets/" + name).json().path("baseUrl").asString())
                .isEqualTo("http://127.0.0.1:7009");

        JsonNode moved = api().patchJson("/api/v1/targets/" + name, Map.of("baseUrl", "http://127.0.0.1:7010")).json();
        String fresh = moved.path("nodeCredential").asString();
        assertThat(fresh).startsWith("rtml_node_").isNotEqualTo(old);
        assertProblem(api(old).get("/api/v1/targets/" + name + "/desired-state"), 401, "UNAUTHENTICATED");
        assertThat(api(fresh).get("/api/v1/targets/" + name + "/desired-state").status()).isEqualTo(200);

        String rotated = api().postJson("/api/v1/targets/" + name + "/node-credential", Map.of()).json()
                .path("nodeCredential").asString();
        assertThat(rotated).startsWith("rtml_node_").isNotEqualTo(fresh);
        assertProblem(api(fresh).get("/api/v1/targets/" + name + "/desired-state"), 401, "UNAUTHENTICATED");
        assertThat(api(rotated).get("/api/v1/targets/" + name + "/desired-state").status()).isEqualTo(200);
    }

    /** Registers a target and returns the node credential that comes back once. */
    private String register(ApiClient client, String name, String baseUrl) {
        var response = client.postJson("/api/v1/targets", Map.of("name", name, "kind", "EDGE", "region", "eu",
                "baseUrl", baseUrl));
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json().path("nodeCredential").asString();
    }
}
