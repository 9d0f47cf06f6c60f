package io.rtml.registry.gallery;

import static io.rtml.registry.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.deployment.DeploymentKind;
import io.rtml.deployment.DeploymentRequests;
import io.rtml.registry.RegistryApiTest;
import io.rtml.registry.deployment.DeploymentRepository;
import io.rtml.testing.ReferenceModels;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The registry's side of deployments: requests are recorded and refused by the rules; the gallery
 * shows what the deployer reports. The deployer's own work is stood in for by {@link #finish},
 * which ends a deployment with the deployment module's writer, as a deployer does (the deployer
 * module tests the real thing end to end).
 */
class GalleryApiTest extends RegistryApiTest {

    @Autowired
    private DeploymentRequests requests;

    @Autowired
    private DeploymentRepository deployments;

    @Autowired
    private PlatformTransactionManager transactions;

    private String model;
    private String service;
    private String hub;
    private String edge;
    private String region;

    @BeforeEach
    void registerModelTargetsAndService() {
        model = uniqueName("iris");
        service = uniqueName("iris-svc");
        hub = uniqueName("hub");
        edge = uniqueName("edge-eu");
        region = uniqueName("eu");
        api().postJson("/api/v1/models", Map.of("name", model));
        byte[] onnx = ReferenceModels.bundled("sklearn_rf_iris_zipmap").readBytes();
        api().uploadRaw("/api/v1/models/" + model + "/versions", onnx);
        api().uploadRaw("/api/v1/models/" + model + "/versions", onnx);
        assertThat(api().postJson("/api/v1/targets", Map.of("name", hub, "kind", "HUB", "region", "central",
                "baseUrl", "http://127.0.0.1:1/")).status()).isEqualTo(201);
        api().postJson("/api/v1/targets", Map.of("name", edge, "kind", "EDGE", "region", region,
                "baseUrl", "http://127.0.0.1:2", "labels", Map.of("tier", "edge")));
        var created = api().postJson("/api/v1/services", Map.of("name", service, "model", model, "description", "iris"));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.json().path("status").asString()).isEqualTo("NEW");
    }

    @Test
    void aDeploymentIsAcceptedAndASecondOneWaitsItsTurn() {
        var first = api().postJson("/api/v1/services/" + service + "/deployments",
                Map.of("version", 1, "targets", List.of(hub, edge)));

        assertThat(first.status()).as(first.text()).isEqualTo(202);
        JsonNode deployment = first.json();
        assertThat(first.header("Location")).endsWith("/deployments/" + deployment.path("id").asLong());
        assertThat(deployment.path("status").asString()).isEqualTo("PENDING");
        assertThat(deployment.path("targets")).extracting(t -> t.path("target").asString())
                .containsExactlyInAnyOrder(hub, edge);

        var second = api().postJson("/api/v1/services/" + service + "/deployments", Map.of("version", 2));
        assertThat(assertProblem(second, 409, "DEPLOYMENT_IN_PROGRESS").path("detail").asString())
                .contains(String.valueOf(deployment.path("id").asLong()));
        assertThat(api().get("/api/v1/services/" + service).json().path("status").asString()).isEqualTo("DEPLOYING");
    }

    /**
     * The deployment module writes with JDBC inside the registry's JPA transactions: the rows must
     * be on the transaction's connection (JPA reads them before commit) and go with its rollback.
     */
    @Test
    void theDeploymentWritesJoinTheRegistrysJpaTransaction() {
        Long serviceId = jdbc.queryForObject("select id from service where name = ?", Long.class, service);
        Long hubId = jdbc.queryForObject("select id from target where name = ?", Long.class, hub);

        Boolean seenInside = new TransactionTemplate(transactions).execute(tx -> {
            long id = requests.start(serviceId, service, DeploymentKind.DEPLOY, 1, false, List.of(hubId),
                    List.of(hub), new DeploymentRequests.Requester("test", null), Instant.now());
            boolean seen = deployments.findById(id).isPresent();
            tx.setRollbackOnly();
            return seen;
        });

        assertThat(seenInside).isTrue();
        assertThat(jdbc.queryForObject("select count(*) from deployment where service_id = ?", Long.class, serviceId))
                .isZero();
        assertThat(jdbc.queryForObject("select count(*) from audit_event where entity_name = ?"
                + " and action = 'deployment.request'", Long.class, service)).isZero();
    }

    @Test
    void theSchemaAllowsOneDeploymentInFlightPerServiceWhateverTheCode() {
        api().postJson("/api/v1/services/" + service + "/deployments", Map.of("version", 1, "targets", List.of(hub)));
        Long serviceId = jdbc.queryForObject("select id from service where name = ?", Long.class, service);
        try {
            // The writer itself, without the registry's 409 check in front of it.
            requests.start(serviceId, service, DeploymentKind.DEPLOY, 2, false, List.of(), List.of(),
                    new DeploymentRequests.Requester("test", null), Instant.now());
            throw new AssertionError("a second in-flight deployment was accepted");
        } catch (org.springframework.dao.DataIntegrityViolationException expected) {
            assertThat(expected.getMessage()).contains("deployment_one_in_flight");
        }
    }

    @Test
    void theGalleryShowsWhatRunsWhereAndRollbackGoesBackToThePreviousVersion() {
        finish(deploy(Map.of("version", 1, "targets", List.of(hub, edge))));
        finish(deploy(Map.of("version", 2, "targets", List.of(hub, edge))));
        api().putJson("/api/v1/models/" + model + "/aliases/prod", Map.of("version", 2));
        JsonNode gallery = api().get("/api/v1/services/" + service).json();

        assertThat(gallery.path("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(gallery.path("model").asString()).isEqualTo(model);
        JsonNode placement = gallery.path("targets").get(0);
        assertThat(placement.path("target").asString()).isEqualTo(hub);
        assertThat(placement.path("activeVersion").asInt()).isEqualTo(2);
        assertThat(placement.path("standbyVersions").get(0).asInt()).isEqualTo(1);
        assertThat(placement.path("endpoints").path("infer").asString())
                .isEqualTo("http://127.0.0.1:1/v2/models/" + service + "/infer");
        assertThat(gallery.path("deployments")).hasSize(2);
        assertThat(gallery.path("signature").path("inputs").get(0).path("name").asString()).isEqualTo("float_input");

        var rollback = api().postJson("/api/v1/services/" + service + "/rollback", Map.of());
        assertThat(rollback.status()).as(rollback.text()).isEqualTo(202);
        assertThat(rollback.json().path("kind").asString()).isEqualTo("ROLLBACK");
        assertThat(rollback.json().path("version").asInt()).isEqualTo(1);
        assertThat(rollback.json().path("targets")).hasSize(2);

        JsonNode history = api().get("/api/v1/services/" + service + "/deployments").json().path("items");
        assertThat(history).extracting(d -> d.path("kind").asString()).containsExactly("ROLLBACK", "DEPLOY", "DEPLOY");
    }

    @Test
    void deploymentRequestsAreCheckedBeforeAnythingIsRecorded() {
        assertProblem(api().postJson("/api/v1/services/" + service + "/deployments", Map.of("version", 9)),
                404, "VERSION_NOT_FOUND");
        assertProblem(api().postJson("/api/v1/services/" + service + "/deployments", Map.of()), 400, "VALIDATION_FAILED");
        assertProblem(api().postJson("/api/v1/services/" + service + "/deployments",
                Map.of("version", 1, "targets", List.of("nowhere"))), 400, "VALIDATION_FAILED");
        assertProblem(api().postJson("/api/v1/services/" + service + "/deployments",
                Map.of("version", 1, "targets", Map.of("region", "mars"))), 400, "VALIDATION_FAILED");
        assertProblem(api().postJson("/api/v1/services/" + uniqueName("ghost") + "/deployments", Map.of("version", 1)),
                404, "SERVICE_NOT_FOUND");
        assertProblem(api().postJson("/api/v1/services/" + service + "/rollback", Map.of()), 409, "NOTHING_TO_ROLL_BACK");
        assertThat(api().get("/api/v1/services/" + service + "/deployments").json().path("items")).isEmpty();
    }

    @Test
    void aTargetSelectorPicksByKindAndRegion() {
        var response = api().postJson("/api/v1/services/" + service + "/deployments",
                Map.of("version", 1, "targets", Map.of("kind", "edge", "region", region)));
        assertThat(response.json().path("targets")).extracting(t -> t.path("target").asString()).containsExactly(edge);
    }

    @Test
    void aModelThatAServiceUsesCannotBeDeleted() {
        assertProblem(api().delete("/api/v1/models/" + model), 409, "MODEL_IN_USE");
        assertThat(api().get("/api/v1/models/" + model).status()).isEqualTo(200);
    }

    @Test
    void onlyDeployersDeployAndTheGalleryFilters() {
        var publisher = api().postJson("/api/v1/tokens", Map.of("name", uniqueName("pub"), "roles", List.of("publisher")));
        String secret = publisher.json().path("secret").asString();
        assertProblem(api(secret).postJson("/api/v1/services/" + service + "/deployments", Map.of("version", 1)),
                403, "FORBIDDEN");
        assertProblem(api(secret).postJson("/api/v1/targets", Map.of("name", uniqueName("t"), "kind", "EDGE",
                "region", "x", "baseUrl", "http://127.0.0.1:3")), 403, "FORBIDDEN");

        finish(deploy(Map.of("version", 1, "targets", List.of(edge))));
        assertThat(names(api().get("/api/v1/services?model=" + model).json())).containsExactly(service);
        assertThat(names(api().get("/api/v1/services?target=" + edge).json())).containsExactly(service);
        assertThat(names(api().get("/api/v1/services?target=" + hub).json())).isEmpty();
        assertThat(api().get("/api/v1/targets/" + edge).json().path("labels").path("tier").asString()).isEqualTo("edge");
        assertProblem(api().get("/api/v1/targets/" + uniqueName("none")), 404, "TARGET_NOT_FOUND");
    }

    @Test
    void aNodeFetchesItsDesiredStateWithPresignedUrlsUsingATokenForItsTarget() throws Exception {
        finish(deploy(Map.of("version", 2, "targets", List.of(hub))));
        String nodeToken = api().postJson("/api/v1/tokens", Map.of("name", uniqueName("node"), "roles",
                List.of("deployer"), "scopes", List.of("target:" + hub))).json().path("secret").asString();

        JsonNode desired = api(nodeToken).get("/api/v1/targets/" + hub + "/desired-state").json();

        JsonNode entry = desired.path("services").get(0);
        assertThat(entry.path("service").asString()).isEqualTo(service);
        assertThat(entry.path("version").asInt()).isEqualTo(2);
        byte[] artifact = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(entry.path("artifactUrl").asString())).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray()).body();
        assertThat(artifact).isEqualTo(ReferenceModels.bundled("sklearn_rf_iris_zipmap").readBytes());
        assertProblem(api(nodeToken).get("/api/v1/targets/" + edge + "/desired-state"), 403, "FORBIDDEN");
    }

    @Test
    void theCallItCommandQuotesEveryValueForTheShell() throws Exception {
        // A URL that parses (';' and '$' are legal in a path) but runs a second command when pasted unquoted.
        java.nio.file.Path marker = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), uniqueName("pwned"));
        String sneaky = uniqueName("sneaky");
        String url = "http://127.0.0.1:1/p;touch$IFS" + marker + ";";
        assertThat(api().postJson("/api/v1/targets", Map.of("name", sneaky, "kind", "HUB", "region", "central",
                "baseUrl", url)).status()).isEqualTo(201);
        finish(deploy(Map.of("version", 1, "targets", List.of(sneaky))));
        JsonNode endpoints = api().get("/api/v1/services/" + service).json().path("targets").get(0).path("endpoints");
        String command = endpoints.path("predictCurl").asString();

        // The pasted command, run by a real shell with curl standing in to print its arguments.
        Process shell = new ProcessBuilder("bash", "-c", "curl() { printf '%s\\n' \"$@\"; }\n" + command)
                .redirectErrorStream(true).start();
        String printed = new String(shell.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(shell.waitFor()).as(printed).isZero();

        assertThat(marker).doesNotExist();
        assertThat(printed.lines().toList()).containsExactly("-s", "-X", "POST", endpoints.path("predict").asString(),
                "-H", "Content-Type: application/json", "-d", "{\"records\":[{…}]}");
        assertThat(endpoints.path("predict").asString()).isEqualTo(url + "/v1/services/" + service + "/predict");
    }

    @Test
    void standbyVersionsAreWhatTheNodeHoldsAsTheDeployerProbedIt() {
        api().uploadRaw("/api/v1/models/" + model + "/versions",
                ReferenceModels.bundled("sklearn_rf_iris_zipmap").readBytes());
        for (int version = 1; version <= 3; version++) {
            finish(deploy(Map.of("version", version, "targets", List.of(hub, edge))));
        }
        // What the deployer records from each node's /admin/v1/state: the hub keeps two standby
        // versions, the edge restarted and holds only the active one.
        deployer().held(hub, Map.of(service, List.of(3, 2, 1)));
        deployer().held(edge, Map.of(service, List.of(3)));

        JsonNode placements = api().get("/api/v1/services/" + service).json().path("targets");

        assertThat(placements.get(0).path("target").asString()).isEqualTo(hub);
        assertThat(placements.get(0).path("standbyVersions")).extracting(JsonNode::asInt).containsExactly(2, 1);
        assertThat(placements.get(1).path("target").asString()).isEqualTo(edge);
        assertThat(placements.get(1).path("standbyVersions")).isEmpty();
    }

    private long deploy(Map<String, Object> body) {
        var response = api().postJson("/api/v1/services/" + service + "/deployments", body);
        assertThat(response.status()).as(response.text()).isEqualTo(202);
        return response.json().path("id").asLong();
    }

    private static List<String> names(JsonNode page) {
        List<String> names = new java.util.ArrayList<>();
        page.path("items").forEach(s -> names.add(s.path("name").asString()));
        return names;
    }
}
